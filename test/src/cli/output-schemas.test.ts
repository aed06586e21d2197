/**
 * Every `--format json` is one document with a schema that `teeio schema NAME` serves: real
 * outputs of run, jsonl's lines, plugins (loaded and refused), decode (each layer, warnings),
 * transcript and validate, each checked with ajv in strict mode against the served schema.
 */
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

async function schema(name: string): Promise<ValidateFunction> {
  const r = await teeio(['schema', name], ROOT);
  expect(r.code).toBe(0);
  // The wire layers' message sets say which field tells their messages apart (`discriminator`).
  return new Ajv({ strict: true, discriminator: true }).compile(JSON.parse(r.out) as object);
}

async function expectValid(name: string, document: unknown): Promise<void> {
  const validate = await schema(name);
  expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
}

/** The one JSON document a command printed (JSON.parse fails on anything more). */
async function jsonOf(args: readonly string[], cwd = ROOT): Promise<Record<string, unknown>> {
  return JSON.parse((await teeio(args, cwd)).out) as Record<string, unknown>;
}

describe('teeio schema NAME serves a schema for every --format json', () => {
  it.each(['lifecycle.json', 'hypervisor-touches-private-mmio.json', 'tdx-unmap-before-stop.json'])('run %s on every built-in arch', async (example) => {
    await expectValid('run', await jsonOf(['run', `examples/${example}`, '--format', 'json']));
  }, 60_000);

  it('each --format jsonl line is one of the run document\'s reports', async () => {
    const lines = (await teeio(['run', 'examples/lifecycle.json', '--format', 'jsonl'], ROOT)).out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    await expectValid('run', { scenario: 'lifecycle', reports: lines.map((l) => JSON.parse(l) as unknown) });
  });

  it('the run schema rejects a report missing its trace', async () => {
    const doc = (await jsonOf(['run', '--arch', 'tdx', 'examples/lifecycle.json', '--format', 'json'])) as { reports: Record<string, unknown>[] };
    delete doc.reports[0]?.['trace'];
    expect((await schema('run'))(doc)).toBe(false);
  });

  it('plugins, loaded and refused', async () => {
    await expectValid('plugins', await jsonOf(['plugins', '--format', 'json']));
    await expectValid('plugins', await jsonOf(['plugins', '--plugin', './valid.js', '--plugin', './import-fails.js', '--format', 'json'], FIXTURES));
  });

  it.each([
    ['a TDISP LOCK_INTERFACE_REQUEST', '10830000efbe0000000000000000000007000000000000d0000000000000000000000000'],
    ['a reserved byte set (a warning)', '10830000efbe0000000000000000000007000000000000d0000000000000000000000001'],
  ])('decode: %s', async (_, hex) => {
    await expectValid('decode', await jsonOf(['tdisp', 'decode', hex]));
  });

  it('transcript', async () => {
    await expectValid('transcript', await jsonOf(['tdisp', 'transcript', '--format', 'json']));
  });

  it('validate, plain and --strict', async () => {
    await expectValid('validate', await jsonOf(['tdisp', 'validate', '--format', 'json']));
    await expectValid('validate', await jsonOf(['tdisp', 'validate', '--format', 'json', '--strict']));
  });
});
