/**
 * The command-line tools' shared front: one argument parser (node:util parseArgs, strict), paths resolved where
 * the user typed them, and one way to end: 0 done, 1 the thing itself failed, 2 the command was used wrongly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { StandInPrerequisite } from '../standin/errors';

/** A mistake in how the command was called: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/** The command ran and what it did failed: its message is reported alone, exit code 1. */
export class ToolFailure extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` against `options`, or throws a `UsageError` that says what is wrong, a flag npm took for itself
 * included; `--help` prints the usage.
 */
export const parseCommandLine = <const O extends Options>(argv: readonly string[], options: O, usage: string) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  rejectFlagsNpmTook(Object.keys(options));
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
};

/**
 * The flags npm took for itself from `npm run <script> ...`: those given before `--` (npm passes on only the
 * positional arguments). npm leaves most in its environment (`--wait` as `npm_config_wait`); one it knows as its own
 * (`--local`, its `--location=project`) it leaves nowhere, not even in its process title, which is why a tool must
 * never fall back to a default where such a flag was meant (scripts/invoke.ts asks for --local or --account).
 */
export const flagsNpmTook = (flags: readonly string[], env = process.env): string[] =>
  flags.filter((flag) => env[`npm_config_${flag.replace(/-/g, '_')}`] !== undefined);

/** A `UsageError` when npm took any of the tool's flags: the tool would otherwise run without them, silently. */
const rejectFlagsNpmTook = (flags: readonly string[]): void => {
  const taken = flagsNpmTook(flags);
  if (taken.length === 0) return;
  const named = taken.map((flag) => `--${flag}`).join(', ');
  const script = process.env.npm_lifecycle_event ?? '<script>';
  throw new UsageError(
    `npm took ${named} for itself, not for the tool; put -- before the tool's arguments: npm run ${script} -- <arguments> ${named.replace(/, /g, ' ')}`,
  );
};

/**
 * A path as the user meant it: absolute as given, relative to the directory they ran the command from. `npm run`
 * runs scripts from the project's root and says where the user was in INIT_CWD.
 */
export const userPath = (file: string): string =>
  isAbsolute(file) ? file : resolve(process.env.INIT_CWD ?? process.cwd(), file);

/** A JSON file the user named, or a `UsageError` saying why it cannot be read. */
export const readJsonFile = (file: string, what: string): unknown => {
  const path = userPath(file);
  if (!existsSync(path)) throw new UsageError(`no ${what} ${file} (looked for ${path})`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
};

/** Runs a tool's main and exits with its code: a `UsageError` prints the usage and exits 2, anything else 1. */
export const runTool = (
  main: () => Promise<number>,
  usage: string,
  onError = (text: string) => console.error(text),
) => {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        onError(`${error.message}\n\n${usage}`);
        process.exit(2);
      }
      const told = error instanceof ToolFailure || error instanceof StandInPrerequisite;
      onError(told ? error.message : String((error as Error).stack ?? error));
      process.exit(1);
    },
  );
};
