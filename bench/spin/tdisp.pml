/*
 * The TDISP state machine of N TDIs with host, guest and device events, bounded: the model
 * teeio's explorer checks in bench/spin/tdisp-model.ts (over the simulated device), so that both
 * tools count the same distinct states. Build with the bounds as macros:
 *   spin -DN=2 -DB=1 -a tdisp.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan -m100000
 *
 * Facts (reference/tdisp-wire.md section 6, reference/tdx-connect.md "Teardown order"):
 *  - states CONFIG_UNLOCKED 0, CONFIG_LOCKED 1, RUN 2, ERROR 3;
 *  - LOCK only from CONFIG_UNLOCKED (-> CONFIG_LOCKED);
 *  - GET_DEVICE_INTERFACE_REPORT only in CONFIG_LOCKED or RUN ([R]; ERROR accepts only
 *    GET_STATE and STOP per the TDX module);
 *  - START only from CONFIG_LOCKED (-> RUN), after the guest has read the report (the TD's
 *    GET_TDI_REPORT precedes TDG.TDI.START);
 *  - STOP from CONFIG_LOCKED, RUN or ERROR (-> CONFIG_UNLOCKED);
 *  - FLR and BME cleared send a CONFIG_LOCKED or RUN TDI to ERROR (linux-tsm-core section 4);
 *  - the host maps private MMIO while the TDI is locked (TDH.MMIO.MAP) and revokes it only
 *    after STOP: TDH.MMIO.UNMAP requires tdisp_sts == CONFIG_UNLOCKED
 *    (TDX_DEVIF_TDISP_INVALID_STATE otherwise), so not in ERROR before STOP.
 * An event is a transition only where it changes the state; the same request refused by the
 * device (a TDISP_ERROR) or by the TDX module changes nothing and is no transition, as in teeio.
 */
#ifndef N
#define N 1
#endif
#ifndef B
#define B 1
#endif

#define UNLOCKED 0
#define LOCKED   1
#define RUNNING  2
#define ERRORED  3

/* Event kinds, in the order of the budgets and of the teeio model's events per TDI. */
#define E_LOCK   0
#define E_REPORT 1
#define E_START  2
#define E_STOP   3
#define E_FLR    4
#define E_BME    5
#define E_MAP    6
#define E_REVOKE 7
#define KINDS    8

byte st[N];           /* the device's TDI state */
bit  rep[N];          /* the report was read since the last LOCK */
bit  map[N];          /* private MMIO mapped in the S-EPT */
byte bud[N * KINDS] = B;  /* how often each event may still fire on this path */

#define BUD(k) bud[_pid * KINDS + k]
#define LOCKEDISH (st[_pid] == LOCKED || st[_pid] == RUNNING)

/* One process per TDI: the interleaving of the processes is every order of every TDI's events. */
active [N] proctype tdi()
{
  end: do
  :: d_step { BUD(E_LOCK) > 0 && st[_pid] == UNLOCKED -> st[_pid] = LOCKED; rep[_pid] = 0; BUD(E_LOCK)-- }
  :: d_step { BUD(E_REPORT) > 0 && LOCKEDISH && !rep[_pid] -> rep[_pid] = 1; BUD(E_REPORT)-- }
  :: d_step { BUD(E_START) > 0 && st[_pid] == LOCKED && rep[_pid] -> st[_pid] = RUNNING; BUD(E_START)-- }
  :: d_step { BUD(E_STOP) > 0 && st[_pid] != UNLOCKED -> st[_pid] = UNLOCKED; rep[_pid] = 0; BUD(E_STOP)-- }
  :: d_step { BUD(E_FLR) > 0 && LOCKEDISH -> st[_pid] = ERRORED; BUD(E_FLR)-- }
  :: d_step { BUD(E_BME) > 0 && LOCKEDISH -> st[_pid] = ERRORED; BUD(E_BME)-- }
  :: d_step { BUD(E_MAP) > 0 && LOCKEDISH && !map[_pid] -> map[_pid] = 1; BUD(E_MAP)-- }
  :: d_step { BUD(E_REVOKE) > 0 && map[_pid] && st[_pid] == UNLOCKED -> map[_pid] = 0; BUD(E_REVOKE)-- }
  od
}

