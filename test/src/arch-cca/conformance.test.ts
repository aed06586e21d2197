import * as plugin from '@teeio/arch-cca';
import { conformance } from '@teeio/core/conformance';

// The conformance kit (declaration, ports, plans, examples, wrong orders, fail_nth over the
// lifecycle, snapshots, determinism): this folder's other tests are of what only cca does.
conformance(plugin, { name: '@teeio/arch-cca' });
