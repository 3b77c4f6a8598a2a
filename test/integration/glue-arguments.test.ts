import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { checkArguments } from '../../src/boundary/argument-policy';
import { GLUE_PARAMETERS, GLUE_PREFIXES } from '../../src/boundary/glue-parameters';
import { LauncherError } from '../../src/errors';
import { parseEvent } from '../../src/input/events';
import { REGISTERED_BY_GLUE_LIBS } from '../helpers/glue-libs';

// The argument policy held to the parser every Glue script reads its arguments with: awsglue.utils'
// getResolvedOptions (awslabs/aws-glue-libs), Python's argparse with the options Glue registers there, which takes
// a unique prefix of an option, or `--option=value`, for the option. Every key the launcher lets through under
// `safe` must reach a script as the script's own: the machine's argparse must not read it as one of Glue's
// (docs/argument-policy.md).
jest.setTimeout(60_000);

const REGISTERED = REGISTERED_BY_GLUE_LIBS;

const GLUE_READER = `
import argparse, contextlib, io, json, sys
out = []
for argv in json.load(sys.stdin):
    parser = argparse.ArgumentParser()
    for option in ${JSON.stringify(REGISTERED.filter((option) => option !== '--help'))}:
        parser.add_argument(option)
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            parsed, extra = parser.parse_known_args(argv if isinstance(argv, list) else [argv, 'value'])
        out.append(sorted(name for name, value in vars(parsed).items() if value is not None))
    except SystemExit:
        out.append(['(argparse exited: help, or an ambiguous or malformed option)'])
print(json.dumps(out))
`;

/**
 * For each key, the Glue options argparse set from `[key, 'value']` (or from an argv given whole): none, for a key
 * that stays the script's.
 */
const readByGlue = (keys: readonly (string | readonly string[])[]): string[][] => {
  const run = spawnSync('python3', ['-c', GLUE_READER], {
    input: JSON.stringify(keys),
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

const SAFE = { mode: 'safe', maxDpu: 10 } as const;

/** Whether the launcher lets a request set this key under `safe`; a refusal must be a named one. */
const allowed = (key: string): boolean => {
  try {
    checkArguments(parseEvent({ jobName: 'etl', arguments: { [key]: 'value' } }, undefined).requests, SAFE);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(LauncherError);
    expect(['InvalidRequest', 'ArgumentNotAllowed']).toContain((error as Error).name);
    return false;
  }
};

const cases = (name: string) => [name, name.toLowerCase(), name.toUpperCase()];
const CORPUS = [
  ...REGISTERED,
  // every abbreviation of every Glue parameter and family, in its own case and others
  ...[...GLUE_PARAMETERS, ...GLUE_PREFIXES, ...REGISTERED].flatMap((name) =>
    Array.from({ length: name.length - 2 }, (_, n) => name.slice(0, n + 3)).flatMap(cases),
  ),
  // the value glued to the key
  ...REGISTERED.flatMap((name) => [`${name}=s3://elsewhere/`, `${name.slice(0, 6)}=x`]),
  // a job's own keys, and random ones
  '--day',
  '--run-date',
  '--input_path',
  '--tempdirectory',
  '--conf-file',
  ...fc.sample(fc.stringMatching(/^--[A-Za-z0-9_.=-]{1,12}$/), { numRuns: 1500, seed: 22 }),
  ...fc.sample(fc.stringMatching(/^--[A-Za-z][A-Za-z0-9_-]{0,12}$/), { numRuns: 1500, seed: 22 }),
];

describe('what a Glue script reads from the keys safe lets through', () => {
  it('the keys the launcher allows reach the script as its own: argparse reads none as Glue’s', () => {
    const keys = [...new Set(CORPUS)].filter(allowed);
    expect(keys.length).toBeGreaterThan(1000); // the test is about real keys, not an empty list
    const read = readByGlue(keys);
    const misread = keys.map((key, i) => [key, read[i]]).filter(([, glue]) => (glue as string[]).length > 0);
    expect(misread).toEqual([]);
  });

  it('every option Glue registers, and every abbreviation and "=" form of it, is refused', () => {
    const refused = CORPUS.filter((key) => REGISTERED.some((option) => option.startsWith(key.split('=')[0] ?? '')));
    expect(refused.length).toBeGreaterThan(100);
    expect(refused.filter(allowed)).toEqual([]);
  });

  it('values are data: every value the launcher lets through stays a value to the script’s parser (T4-M1)', () => {
    const VALUES = [
      '--TempDir=s3://elsewhere/',
      '--TempDir',
      '--help',
      '-h',
      '--continuation-option=continuation-enabled',
      '-x',
      '--',
      '-',
      '-1',
      '-0.5',
      '2026-11-21',
      's3://team-data/raw/',
      'a --TempDir=s3://x',
      ...fc.sample(fc.string({ maxLength: 12 }), { numRuns: 1500, seed: 23 }),
      ...fc.sample(fc.stringMatching(/^-{1,2}[A-Za-z0-9_=.-]{0,12}$/), { numRuns: 500, seed: 23 }),
    ];
    const accepted = VALUES.filter((value) => {
      try {
        parseEvent({ jobName: 'etl', arguments: { '--note': value } }, undefined);
        return true;
      } catch (error) {
        expect((error as Error).name).toBe('InvalidRequest');
        return false;
      }
    });
    // --note is a key no script registers, as in T4-M1: argparse leaves it, and must leave its value too.
    const read = readByGlue(accepted.map((value) => ['--note', value]));
    expect(accepted.filter((_, i) => (read[i] as string[]).length > 0)).toEqual([]);
    expect(accepted).toEqual(expect.arrayContaining(['-1', '-0.5', '-', 'a --TempDir=s3://x']));
    expect(accepted).not.toContain('--TempDir=s3://elsewhere/');
    expect(accepted.length).toBeGreaterThan(1000);
  });
});
