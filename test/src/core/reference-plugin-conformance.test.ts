import { conformance } from '@teeio/core/conformance';
import * as devsec from '../reference-plugin/index.js';

// The reference plugin is the template for a new arch: it passes the kit it tells authors to run.
conformance(devsec, { name: 'the reference plugin' });
