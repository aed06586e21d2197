/** Small models over the default device (DSM 01:00.0, TDI 01:00.1) for the explorer's tests. */
import type { ExploreModel, ModelEvent, ModelEventGroup } from '../../../core/src/explore/model.js';
import type { ScenarioAction } from '../../../core/src/scenario/scenario.js';
import { DSM, VF, VM } from '../core/harness.js';

/** connect the DSM and create the VF's vPCI device, then `events` in any order. */
export function modelOf(name: string, events: readonly (ScenarioAction | ModelEvent | ModelEventGroup)[], extra: Partial<ExploreModel> = {}): ExploreModel {
  return {
    name,
    seed: 7,
    platform: { devices: [{ id: 'nic0', preset: 'default' }] },
    vms: [VM],
    assign: [{ tdi: VF, vm: VM, guestRid: 8 }],
    init: [
      { flow: 'connect', dsm: DSM },
      { flow: 'createVpci', tdi: VF },
    ],
    events: events.map((e) => ('action' in e || 'oneOf' in e ? e : { action: e })),
    ...extra,
  };
}

export const BIND: ScenarioAction = { flow: 'bind', tdi: VF };
export const UNBIND: ScenarioAction = { flow: 'unbind', tdi: VF };
export const ACCEPT: ScenarioAction = { flow: 'accept', tdi: VF };
export const FLR: ScenarioAction = { event: 'flr', tdi: VF };
export const VM_DESTROY: ScenarioAction = { flow: 'vmDestroy', vm: VM };
export const DISCONNECT: ScenarioAction = { flow: 'disconnect', dsm: DSM };
