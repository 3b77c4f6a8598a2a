import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEFAULT_MAX_WORKERS } from '../../src/boundary/argument-policy';
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

/** Requests the launcher must accept and start (Glue takes numberOfWorkers only beside a workerType). */
export const validRequest = (jobNames: readonly string[]) =>
  fc
    .record(
      {
        jobName: fc.constantFrom(...jobNames),
        arguments: fc.dictionary(argumentKey, fc.string({ maxLength: 40 }), { maxKeys: 4 }),
        timeout: fc.integer({ min: 1, max: 10_000 }),
        workerType: fc.constantFrom('G.1X', 'G.2X', 'G.025X'),
        numberOfWorkers: fc.integer({ min: 2, max: DEFAULT_MAX_WORKERS }),
        executionClass: fc.constantFrom('STANDARD', 'FLEX'),
        jobRunQueuingEnabled: fc.boolean(),
        idempotencyKey: fc.stringMatching(/^[\x21-\x7e]{1,64}$/),
      },
      { requiredKeys: [] },
    )
    .map(({ numberOfWorkers, ...request }) =>
      request.workerType === undefined || numberOfWorkers === undefined ? request : { ...request, numberOfWorkers },
    );

export const NAMED: ReadonlySet<string> = new Set(ERROR_NAMES);

/** The errors of steps 1 and 2 of a launch: bad input, a job or an argument the settings refuse. Nothing is called. */
export const REFUSED_BEFORE_ANY_CALL: ReadonlySet<string> = new Set([
  'InvalidRequest',
  'JobNotAllowed',
  'ArgumentNotAllowed',
]);
