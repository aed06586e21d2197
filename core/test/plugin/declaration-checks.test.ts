import { describe, expect, it } from 'vitest';
import { type DependencyContainer, container } from 'tsyringe';
import { checkPluginModule } from '../../src/plugin/check-declaration.js';
import type { PluginModule } from '../../src/plugin/declaration.js';
import type { ModuleExports } from '../../src/plugin/import-module.js';
import { PORTS } from '../../src/ports/tokens.js';
import { FIRMWARE_STATE } from '../../src/world/services.js';
import { probeRegistration } from '../../src/plugin/registration.js';
// @ts-expect-error -- a plain .js fixture, shared with the CLI tests; it has no types.
import * as valid from '../../../test/src/fixtures/plugins/valid.js';

const fixture = valid as PluginModule & ModuleExports;
const withDeclaration = (changes: object) => ({ ...fixture, declaration: { ...fixture.declaration, ...changes } });

describe('checkPluginModule', () => {
  it('accepts the valid fixture as it is', () => {
    expect(checkPluginModule('v', fixture).declaration.name).toBe('fixture-valid');
  });

  it('calls an unparsable core API range a declaration error, not a mismatch', () => {
    expect(() => checkPluginModule('v', withDeclaration({ coreApi: 'soon' }))).toThrow(
      expect.objectContaining({ reason: 'invalid-declaration', message: 'plugin v: declaration /coreApi: "soon" is not a semver range' }),
    );
  });

  it('names the JSON pointer of a missing or unknown field', () => {
    const { firmware: _firmware, ...withoutFirmware } = fixture.declaration;
    expect(() => checkPluginModule('v', { ...fixture, declaration: withoutFirmware })).toThrow('plugin v: declaration /firmware: required field is missing');
    expect(() => checkPluginModule('v', withDeclaration({ colour: 'blue' }))).toThrow('plugin v: declaration /colour: unknown field');
  });
});

describe('probeRegistration', () => {
  it('registers without constructing anything', () => {
    class Exploding {
      constructor() {
        throw new Error('constructed during the probe');
      }
    }
    const module = {
      declaration: fixture.declaration,
      register: (c: DependencyContainer) => {
        for (const token of [...Object.values(PORTS), FIRMWARE_STATE]) c.register(token, { useClass: Exploding });
      },
    };
    expect(() => probeRegistration('v', module)).not.toThrow();
  });

  it('refuses a plugin that registers its ports but no firmware state: the core could not snapshot its world', () => {
    const portsOnly = { declaration: fixture.declaration, register: (c: DependencyContainer) => Object.values(PORTS).forEach((t) => c.register(t, { useValue: {} })) };
    expect(() => probeRegistration('v', portsOnly)).toThrow(expect.objectContaining({ reason: 'missing-port', message: expect.stringContaining('FIRMWARE_STATE') }));
  });

  it('does not count a port the parent holds: the plugin must register its own', () => {
    container.register(PORTS.attestation, { useValue: {} });
    try {
      const threePorts = {
        declaration: fixture.declaration,
        register: (c: DependencyContainer) => [PORTS.tsm, PORTS.mmio, PORTS.iommu].forEach((t) => c.register(t, { useValue: {} })),
      };
      expect(() => probeRegistration('v', threePorts)).toThrow('plugin v: register() did not register the declared port(s) attestation');
    } finally {
      container.reset();
    }
  });
});
