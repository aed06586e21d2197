import { Argument, Command } from 'commander';
import { DECLARATION_SCHEMA } from '../../plugin/declaration.js';
import { CONFIG_SCHEMA } from '../../plugin/config-file.js';
import { SCENARIO_SCHEMA } from '../../scenario/schema.js';
import { COMPARISON_SCHEMA } from '../../compare/schema.js';
import { MATRIX_SCHEMA } from '../../compare/matrix/schema.js';
import { CONFORMANCE_SCHEMA } from '../../conformance/schema.js';
import { RUN_SCHEMA } from '../../report/schema.js';
import { VALIDATE_SCHEMA } from '../../validator/schema.js';
import { TRANSCRIPT_SCHEMA } from '../../transcript/schema.js';
import { LISTING_SCHEMA } from '../../plugin/listing-schema.js';
import { DECODE_SCHEMA } from '../wire-json.js';
import { MODEL_SCHEMA } from '../../explore/model-schema.js';
import { EXPLORE_SCHEMA } from '../../explore/report.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandGroup } from '../program.js';

/** The documents teeio reads (scenario, plugin, config, a model for `teeio explore`), then every `--format json` it prints, by command. */
const SCHEMAS = {
  scenario: SCENARIO_SCHEMA,
  plugin: DECLARATION_SCHEMA,
  config: CONFIG_SCHEMA,
  compare: COMPARISON_SCHEMA,
  matrix: MATRIX_SCHEMA,
  run: RUN_SCHEMA,
  plugins: LISTING_SCHEMA,
  decode: DECODE_SCHEMA,
  transcript: TRANSCRIPT_SCHEMA,
  validate: VALIDATE_SCHEMA,
  conformance: CONFORMANCE_SCHEMA,
  model: MODEL_SCHEMA,
  explore: EXPLORE_SCHEMA,
} as const;

/** `teeio schema NAME`: the JSON Schema teeio validates that document with, or that its JSON output follows. */
export const schemaCommand: CommandGroup = (io, done) =>
  new Command('schema')
    .description('print the JSON Schema of a scenario file, a plugin declaration, teeio.config.json, a model for teeio explore, or the --format json output of a command (compare, matrix, run, plugins, decode, transcript, validate, conformance, explore)')
    .addArgument(new Argument('<document>', 'which schema').choices(Object.keys(SCHEMAS)))
    .action((doc: keyof typeof SCHEMAS) => {
      io.out(`${JSON.stringify(SCHEMAS[doc], null, 2)}\n`);
      done(ExitCode.OK);
    });
