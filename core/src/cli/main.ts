// reflect-metadata must be loaded before anything that uses tsyringe decorators.
import 'reflect-metadata';
import { processIo } from './io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
