/**
 * A platform device with many VFs (`vfs` on an SR-IOV preset): each VF is a TDI of its own, at
 * the Routing ID and BAR SR-IOV gives it, and a scenario may assign and run any of them.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../core/src/scenario/load.js';
import type { ScenarioAction } from '../../../core/src/scenario/scenario.js';
import { DSM, REFERENCE, VM, run, scenario } from './harness.js';

const LAST = '0000:01:01.0'; // VF 7 of 8: Routing ID 0x0100 + 1 + 7 = 0x0108, bus 01 device 01 function 0

const lifecycleOf = (tdi: string, vm: string): ScenarioAction[] => [
  { flow: 'connect', dsm: DSM },
  { flow: 'createVpci', tdi },
  { flow: 'bind', tdi },
  { flow: 'accept', tdi },
  { use: true, tdi },
  { flow: 'unbind', tdi },
  { flow: 'vmDestroy', vm },
  { flow: 'disconnect', dsm: DSM },
];

const eightVfs = { platform: { devices: [{ id: 'nic0', preset: 'default' as const, vfs: 8 }] } };

describe('a default device with 8 VFs', () => {
  it('runs the whole lifecycle on its last VF, in a VM of its own, with every invariant checked', () => {
    const more = { ...eightVfs, vms: [VM, 'vm7'], assign: [{ tdi: LAST, vm: 'vm7', guestRid: 8 }] };
    const r = run(lifecycleOf(LAST, 'vm7'), REFERENCE, more);
    expect(r.violations).toEqual([]);
    expect(r.flows.every((f) => f.ok)).toBe(true);
    // LOCK checks that the TDI's BARs overlap no other function's: VF BARs laid out one after another do not.
    expect(r.steps.find((s) => s.step === 'tsm.bind')?.result).toBe('ok');
    expect(r.trace.some((e) => e.op === 'LOCK_INTERFACE_REQUEST' && e.args?.tdi === LAST && e.result === 'LOCK_INTERFACE_RESPONSE')).toBe(true);
  });

  it('has no ninth VF', () => {
    const more = { ...eightVfs, assign: [{ tdi: '0000:01:01.1', vm: VM, guestRid: 8 }] };
    expect(() => scenario([{ flow: 'connect', dsm: DSM }], more)).toThrow(/\/assign\/0\/tdi: no device function 0000:01:01.1 on this platform/);
  });
});

describe('vfs is refused', () => {
  it('on a preset that is no SR-IOV PF, by JSON pointer', () => {
    const more = { platform: { devices: [{ id: 'emu', preset: 'spdm-emu-sample' as const, vfs: 2 }] }, assign: [] };
    const e = (() => {
      try {
        scenario([{ flow: 'connect', dsm: '0000:be:1d.0' }], more);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as ScenarioError).pointer).toBe('/platform/devices/0/vfs');
  });

  it('below one', () => {
    const more = { platform: { devices: [{ id: 'nic0', preset: 'default' as const, vfs: 0 }] } };
    expect(() => scenario([{ flow: 'connect', dsm: DSM }], more)).toThrow(/\/platform\/devices\/0\/vfs/);
  });
});
