import { Argument, Command } from 'commander';
import { DECLARATION_SCHEMA } from '../../plugin/declaration.js';
import { CONFIG_SCHEMA } from '../../plugin/config-file.js';
import { SCENARIO_SCHEMA } from '../../scenario/schema.js';
import { COMPARISON_SCHEMA } from '../../compare/schema.js';
import { MATRIX_SCHEMA } from '../../compare/matrix/schema.js';
import { MODEL_SCHEMA } from '../../explore/model-schema.js';
import { EXPLORE_SCHEMA } from '../../explore/report.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandGroup } from '../program.js';

const SCHEMAS = { scenario: SCENARIO_SCHEMA, plugin: DECLARATION_SCHEMA, config: CONFIG_SCHEMA, compare: COMPARISON_SCHEMA, matrix: MATRIX_SCHEMA, model: MODEL_SCHEMA, explore: EXPLORE_SCHEMA } as const;

/** `teeio schema scenario|plugin|config`: the JSON Schema teeio validates that document with. */
export const schemaCommand: CommandGroup = (io, done) =>
  new Command('schema')
    .description('print the JSON Schema of a scenario file, a plugin declaration, teeio.config.json, a model for teeio explore, or the JSON of teeio compare, matrix or explore')
    .addArgument(new Argument('<document>', 'which schema').choices(Object.keys(SCHEMAS)))
    .action((doc: keyof typeof SCHEMAS) => {
      io.out(`${JSON.stringify(SCHEMAS[doc], null, 2)}\n`);
      done(ExitCode.OK);
    });
