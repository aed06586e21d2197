/**
 * `@teeio/core/conformance`: the conformance kit as vitest tests, for an arch plugin's own
 * suite. The only module of the core that imports vitest (an optional peer dependency).
 *
 *   import { conformance } from '@teeio/core/conformance';
 *   conformance('./src/index.ts');
 */
// An entry point of the core: tsyringe needs the Reflect polyfill before anything it decorates.
import 'reflect-metadata';
import { type ConformanceOptions, type PluginUnderTest, admitPlugin, CONFORMANCE_CHECKS, runConformanceCheck } from '@teeio/core';
import { container } from 'tsyringe';
import { beforeAll, describe, expect, it } from 'vitest';

/** Generous: fail_nth runs the lifecycle once per firmware call and DOE exchange. */
const CHECK_TIMEOUT_MS = 120_000;

/** Registers a `describe` with one `it` per check of the kit; the plugin is loaded once, before them. */
export function conformance(plugin: PluginUnderTest, options: ConformanceOptions = {}): void {
  const checks = CONFORMANCE_CHECKS.filter((c) => !options.only || options.only.includes(c.id));
  const name = options.name ?? (typeof plugin === 'string' ? plugin : 'the plugin module');
  describe(`conformance of ${name}`, () => {
    let admitted: Awaited<ReturnType<typeof admitPlugin>>;
    beforeAll(async () => {
      admitted = await admitPlugin(plugin, options);
    }, CHECK_TIMEOUT_MS);
    for (const check of checks)
      it(
        `${check.id}: ${check.title}`,
        () => {
          const r = runConformanceCheck(check, { admitted, parent: options.parent ?? container });
          expect(r.findings, `${check.id}: ${r.detail}`).toEqual([]);
        },
        CHECK_TIMEOUT_MS,
      );
  });
}
