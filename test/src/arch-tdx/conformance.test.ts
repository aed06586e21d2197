import * as plugin from '@teeio/arch-tdx';
import { conformance } from '@teeio/core/conformance';

// The conformance kit (declaration, ports, plans, examples, wrong orders, fail_nth over the
// lifecycle, snapshots, determinism): this folder's other tests are of what only tdx does.
conformance(plugin, { name: '@teeio/arch-tdx' });
