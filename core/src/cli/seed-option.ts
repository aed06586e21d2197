import { InvalidArgumentError, Option } from 'commander';

/**
 * `--seed N`: an unsigned decimal integer (at most 2^53 - 1), the form every scenario's seed can
 * take. Anything else is a usage error naming the flag, before a scenario is read: a mistyped
 * seed that ran anyway would print a trace nobody can reproduce from the command they think ran.
 */
export const seedOption = (): Option =>
  new Option('--seed <n>', "override the scenario's seed (an unsigned integer)").argParser(parseSeed);

function parseSeed(text: string): string {
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError(`'${text}' is not an unsigned integer (0 to ${Number.MAX_SAFE_INTEGER}).`);
  }
  return text;
}
