import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, readConfigFile } from '../../src/plugin/config-file.js';
import { buildLoadRequest } from '../../src/plugin/request.js';
import { FIXTURES } from './fixtures.js';

const validUrl = pathToFileURL(join(FIXTURES, 'valid.js')).href;

/** A fresh directory holding `teeio.config.json` with `text`. */
function configDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'teeio-config-'));
  writeFileSync(join(dir, 'teeio.config.json'), text);
  return dir;
}

const importables = (sources: Parameters<typeof buildLoadRequest>[0], cwd: string) =>
  buildLoadRequest(sources, cwd).plugins.map((p) => p.importable);

describe('readConfigFile', () => {
  const read = (text: string) => readConfigFile(join(configDir(text), 'teeio.config.json'), 'my.json');

  it('accepts plugins and arch ids', () => {
    expect(read('{"plugins": ["./a.js"], "arch": ["sev-tio"]}')).toEqual({ plugins: ['./a.js'], arch: ['sev-tio'] });
  });

  it.each([
    ['an unknown field', '{"plugin": ["./a.js"]}', 'config my.json: /plugin: unknown field'],
    ['a wrong type', '{"plugins": "./a.js"}', 'config my.json: /plugins: must be array'],
    ['a wrong item type', '{"plugins": [3]}', 'config my.json: /plugins/0: must be string'],
    ['an unknown arch', '{"arch": ["x86"]}', 'config my.json: /arch/0: must be one of "tdx", "sev-tio"'],
    ['invalid JSON', '{\n  "plugins": ["./a.js"] x\n}', 'config my.json:2:25: not JSON: unexpected "x"'],
  ])('refuses %s, naming the file and where', (_what, text, message) => {
    expect(() => read(text)).toThrow(ConfigFileError);
    expect(() => read(text)).toThrow(message);
  });

  it('says why a named file cannot be read', () => {
    expect(() => readConfigFile('/no/such/teeio.json', 'x.json')).toThrow('config x.json: cannot read: ENOENT');
  });
});

describe('buildLoadRequest', () => {
  it('asks for every built-in when nothing is asked for', () => {
    expect(importables({}, FIXTURES)).toEqual(['@teeio/arch-tdx', '@teeio/arch-sev-tio', '@teeio/arch-cca']);
  });

  it('orders the config file, then --arch, then --plugin, each module once', () => {
    const dir = configDir(JSON.stringify({ arch: ['sev-tio'], plugins: [join(FIXTURES, 'valid.js')] }));
    expect(importables({ arch: ['tdx', 'sev-tio'], plugins: [validUrl] }, dir)).toEqual(['@teeio/arch-sev-tio', validUrl, '@teeio/arch-tdx']);
  });

  it('reads teeio.config.json from the cwd when no config is named', () => {
    const dir = configDir('{"plugins": ["./p.js"]}');
    expect(importables({}, dir)).toEqual([pathToFileURL(join(dir, 'p.js')).href]);
  });

  it("resolves a config file's paths against its folder, and --config against the cwd", () => {
    const dir = configDir('{"plugins": ["./p.js"]}');
    const expected = [pathToFileURL(join(dir, 'p.js')).href];
    expect(importables({ config: join(dir, 'teeio.config.json') }, FIXTURES)).toEqual(expected);
    expect(importables({ config: 'teeio.config.json' }, dir)).toEqual(expected);
  });
});
