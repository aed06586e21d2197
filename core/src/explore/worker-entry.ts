// A worker thread of `teeio explore --workers N`. It imports the core as plugins do (the
// bundled dist/teeio.js), so the classes a plugin's module sees are the worker's own; the
// search thread finds this file through the package export `@teeio/core/explore-worker`.
import 'reflect-metadata';
import { exploreWorkerMain } from '@teeio/core';

await exploreWorkerMain();
