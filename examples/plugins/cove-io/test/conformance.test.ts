// The teeio conformance kit: one vitest test per check. Each failure names what to fill.
import { conformance } from '@teeio/core/conformance';

conformance(new URL('../src/index.ts', import.meta.url).href);
