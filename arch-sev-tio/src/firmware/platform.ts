import { type Bdf, type FwResult, OK, type VmId, ok } from '@teeio/core';
import { TIO_MIN_FW_VERSION } from '../codes.js';
import { type PspContext, sev } from './command.js';
import { PAGE, type PspState, type TioStatus, fenceKey } from './state.js';

/** The platform's side of the PSP: the SNP guest contexts that name VMs and own ASIDs (and their fences), TIO_STATUS and TIO_INIT. */

/** TIO_STATUS's sizes [TEEIO]: the minimum output buffer is smaller than a certificate chain. */
const TIO_SIZES = {
  spdmReqSizeMin: 0x1000,
  spdmReqSizeMax: 0x1000,
  spdmRspSizeMin: 0x1000,
  spdmRspSizeMax: 0x1000,
  spdmScratchSizeMin: 0x100,
  spdmScratchSizeMax: 0x10000,
  spdmOutSizeMin: 0x100,
  spdmOutSizeMax: 0x10000,
  devctxSize: 0x2000,
  tdictxSize: 0x1000,
} as const;

/** Where teeio places guest context pages (firmware pages in host memory) [TEEIO]. */
const GCTX_BASE = 0x7f0_0000_0000n;

/** SNP_GCTX_CREATE: a new guest context page for `vm`. */
export function gctxCreate({ fw }: PspContext, vm: VmId): FwResult<string> {
  const s = fw.state;
  if (s.guests[vm]) return sev('SEV_RET_INVALID_GUEST', `${vm} has a guest context`);
  const gctx = `0x${(GCTX_BASE + BigInt(++s.gctxPages) * PAGE).toString(16)}`;
  s.guests[vm] = { gctx, asid: 0 };
  return ok(gctx);
}

/** SNP_LAUNCH_START: the guest context gets the next ASID. */
export function launchStart({ fw }: PspContext, vm: VmId): FwResult<number> {
  const s = fw.state;
  const g = s.guests[vm];
  if (!g) return sev('SEV_RET_INVALID_GUEST', `${vm} has no guest context`);
  const asid = s.nextAsid++;
  s.guests[vm] = { ...g, asid };
  return ok(asid);
}

/** SNP_DECOMMISSION: refused while TDIs are bound to the guest context; its ASID's fences go with it. */
export function decommission({ fw }: PspContext, vm: VmId): FwResult {
  const s = fw.state;
  const g = s.guests[vm];
  if (!g) return sev('SEV_RET_INVALID_GUEST', `${vm} has no guest context`);
  const bound = Object.entries(s.tdis).filter(([, t]) => t.gctx === g.gctx && t.status !== 'UNBOUND');
  if (bound.length > 0 && fw.enforces('snp-decommission-requires-no-bound-tdi')) return sev('SEV_RET_IN_USE', `TDIs still bound to the guest context: ${bound.map(([b]) => b).join(', ')}`);
  delete s.guests[vm];
  for (const [k, f] of Object.entries(s.fences)) if (f.asid === g.asid) delete s.fences[k];
  return OK;
}

/** TIO_ASID_FENCE_CLEAR: the fence of the guest context's ASID on the device goes. */
export function fenceClear({ fw }: PspContext, dsm: Bdf, gctx: string): FwResult {
  const vm = fw.vmOfGctx(gctx);
  const g = vm === undefined ? undefined : fw.state.guests[vm];
  if (!g) return sev('SEV_RET_INVALID_GUEST', `no guest context ${gctx}`);
  delete fw.state.fences[fenceKey(dsm, g.asid)];
  return OK;
}

/** TIO_STATUS: whether TIO is enabled and initialised, and the buffer and context sizes. */
export function tioStatus({ fw }: PspContext): FwResult<TioStatus> {
  return ok({ tioEn: fw.state.platform.tioEn, tioInitDone: fw.state.platform.tioInitDone, ...TIO_SIZES });
}

/** TIO_INIT, once, on a platform that can [REF §1]. */
export function tioInit({ fw }: PspContext): FwResult {
  const p = fw.state.platform;
  const refused = fw.enforces('tio-init-requires-platform') ? tioInitProblem(p) : undefined;
  if (refused) return sev('SEV_RET_INVALID_PLATFORM_STATE', refused);
  p.tioInitDone = true;
  return OK;
}

/** Why TIO_INIT cannot run on this platform [REF §1], or undefined. */
function tioInitProblem(p: PspState['platform']): string | undefined {
  const min = TIO_MIN_FW_VERSION;
  if (p.fw.major < min.major || (p.fw.major === min.major && p.fw.minor < min.minor)) return `firmware ${p.fw.major}.${p.fw.minor} < ${min.major}.${min.minor}`;
  if (!p.tioFeature) return 'SNP_FEATURE_INFO does not report SEV-TIO';
  if (!p.snpInit || !p.tioEn) return 'SNP_INIT_EX was not done with tio_en=1';
  if (p.tioInitDone) return 'TIO is initialised already';
  return undefined;
}
