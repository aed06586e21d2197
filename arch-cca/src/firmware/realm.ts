import { type FwResult, OK, type VmId } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA } from '../codes.js';
import { RmmFirmware } from './rmm.js';

const { fail } = RmmFirmware;

/**
 * Realm creation and teardown, only what device assignment touches (arm-cca.md §4): at 2.0 a
 * realm is terminated (RMI_REALM_TERMINATE, ZOMBIE) before RMI_REALM_DESTROY, which fails
 * with RMI_ERROR_REALM while rd_vdev_refcount != 0, so the host destroys every VDEV first.
 */
@injectable()
export class RealmCalls {
  constructor(@inject(RmmFirmware) private readonly fw: RmmFirmware) {}

  /** RMI_REALM_CREATE (with RMI_REC_CREATE of its one REC and RMI_REALM_ACTIVATE folded in). */
  create(vm: VmId): FwResult {
    return this.fw.call('RMI_REALM_CREATE', { realm: vm }, () => {
      const s = this.fw.state;
      if (s.realms[vm]) return fail(CCA.ERROR_INPUT, `${vm} has a realm already`);
      const rd = `0x${(s.next.rd++ * 0x1000).toString(16)}`;
      s.realms[vm] = { vm, rd, state: 'ACTIVE', vdevs: 0, rtt: {}, rec: {} };
      return OK;
    });
  }

  /** RMI_REALM_TERMINATE (2.0): the realm runs no more; it can then be destroyed. */
  terminate(vm: VmId): FwResult {
    const realm = this.fw.realm(vm);
    return this.fw.call('RMI_REALM_TERMINATE', { rd: realm?.rd ?? vm }, () => {
      if (!realm) return fail(CCA.ERROR_REALM, `${vm} has no realm`);
      if (realm.state === 'TERMINATED') return fail(CCA.ERROR_REALM, `${vm} is terminated already`);
      realm.state = 'TERMINATED';
      return OK;
    });
  }

  /** RMI_REALM_DESTROY: only a terminated realm with no VDEV. */
  destroy(vm: VmId): FwResult {
    const realm = this.fw.realm(vm);
    return this.fw.call('RMI_REALM_DESTROY', { rd: realm?.rd ?? vm }, () => {
      if (!realm || realm.state !== 'TERMINATED') return fail(CCA.ERROR_REALM, `${vm} is not terminated`);
      if (realm.vdevs > 0 && this.fw.enforces('realm-destroy-requires-no-vdev')) return fail(CCA.ERROR_REALM, `${realm.vdevs} VDEV(s) still belong to ${vm}`);
      delete this.fw.state.realms[vm];
      return OK;
    });
  }
}
