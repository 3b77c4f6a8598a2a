import { GLUE_JOB_NAME } from '../boundary/allowlist';
import { ARGUMENT_KEY, ARGUMENT_KEY_RULE } from '../boundary/argument-policy';
import { invalidRequest } from '../errors';
import { MAX_RUN_TIMEOUT_MINUTES } from '../token/lifetime';
import { meantName } from './near-miss';

/**
 * What an event may hold, read field by field: every field known, every value of its type and form, the first
 * problem found refused as InvalidRequest naming where it is. Plain code, not a schema library: the grammar is small,
 * every rule is here to read, and the launcher's cold start does not pay to parse a library for it
 * (docs/adr/0002-zod-mini-and-a-local-eventbridge-envelope.md, docs/adr/0015-a-handler-bundle-per-deployment.md).
 */

export const MAX_BATCH = 100;
/** Arguments in one request: Glue reads a run's whole map into a script's argv, and no job needs more. */
export const MAX_ARGUMENTS = 100;
/** The most an event may hold: 256 KiB, Lambda's limit for an event delivered asynchronously. */
export const MAX_EVENT_BYTES = 256 * 1024;

type Path = readonly (string | number)[];

/** `jobs[1].arguments["--a b"]`: the path as a reader of the event would write it. */
function where(path: Path): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${text}[${JSON.stringify(key)}]`;
    return text === '' ? key : `${text}.${key}`;
  }, '');
}

function refuse(path: Path, problem: string): never {
  const at = where(path);
  throw invalidRequest(at === '' ? problem : `${at}: ${problem}`);
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeOf(value) === 'object';
}

function ofType<T>(value: unknown, type: string, path: Path): T {
  return typeOf(value) === type ? (value as T) : refuse(path, `expected ${type}, received ${typeOf(value)}`);
}

/** An object with only these fields: a typo must not be silently ignored. Checked on the raw keys, `__proto__` too. */
function fieldsOf(value: unknown, known: ReadonlySet<string>, path: Path): Record<string, unknown> {
  const object = ofType<Record<string, unknown>>(value, 'object', path);
  const unknown = Object.keys(object).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    const named = unknown.map((key) => {
      const meant = meantName(key, known);
      return meant === undefined ? JSON.stringify(key) : `${JSON.stringify(key)} (did you mean "${meant}"?)`;
    });
    refuse(
      path,
      `unknown field${unknown.length > 1 ? 's' : ''} ${named.join(', ')}; the fields read here are ${[...known].join(', ')}`,
    );
  }
  return object;
}

/** What a string must be, and what the refusal says it must be. */
interface Form {
  readonly valid: (text: string) => boolean;
  readonly says: string;
}
function matching(pattern: RegExp, says: string): Form {
  return { valid: (text) => pattern.test(text), says };
}

function text(value: unknown, path: Path, form?: Form): string {
  const string = ofType<string>(value, 'string', path);
  return form === undefined || form.valid(string) ? string : refuse(path, form.says);
}

function wholeNumber(value: unknown, path: Path, says: string): number {
  return Number.isSafeInteger(value) ? (value as number) : refuse(path, says);
}

/** Only what the caller set: an absent field stays absent. */
function present(
  object: Record<string, unknown>,
  field: string,
  read: (value: unknown, path: Path) => unknown,
  path: Path,
) {
  return Object.hasOwn(object, field) && object[field] !== undefined
    ? { [field]: read(object[field], [...path, field]) }
    : {};
}

const JOB_NAME = matching(GLUE_JOB_NAME, 'must be a Glue job name of 1 to 255 characters without control characters');
/**
 * The launcher writes a key as the value of `--launch-idempotency-key`, in the run's argv: a value that starts with
 * `-` would be read by the script's argument parser as an option (docs/argument-policy.md, Values are data).
 */
const KEY = matching(
  /^(?!-)[\x21-\x7e]{1,256}$/,
  'must be 1 to 256 printable ASCII characters without spaces, not starting with "-"',
);

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses
const CONTROL = /[\0-\x1f\x7f-\x9f]/u;
/**
 * What argparse reads as a value though it starts with `-`: a negative number (its `_negative_number_matcher`), and
 * a lone `-` (one character long, never an option: `_parse_optional`).
 */
const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$|^-$/;
/** The values pip reads, by their own grammars (pip/placement.ts), where the argument policy lets a request set them. */
const PIP_FACING = new Set(['--additional-python-modules', '--python-modules-installer-option']);

/**
 * A value of the run's argv is data, never an option: every Glue script reads its argv with argparse
 * (getResolvedOptions), which takes a value that starts with `-` for an option when the key before it is not one
 * the script registers (`{"--note": "--TempDir=s3://elsewhere/"}` set TempDir; `"--help"` ended the script).
 */
function dataValue(what: string): Form {
  return {
    valid: (value) => !CONTROL.test(value) && (!value.startsWith('-') || NEGATIVE_NUMBER.test(value)),
    says: `${what} may not hold a control character, nor start with "-" (a Glue script's argument parser would read it as an option; a negative number is read as a value)`,
  };
}
const ARGUMENT_VALUE = dataValue('an argument value');
// Which keys a caller may set is the argument policy's to say (ArgumentNotAllowed), after reading.
const ARGUMENT_KEY_FORM = matching(ARGUMENT_KEY, ARGUMENT_KEY_RULE);
function sized(max: number): Form {
  return {
    valid: (text) => text.length >= 1 && text.length <= max,
    says: `must be 1 to ${max} characters`,
  };
}
function both(first: Form, second: Form): Form {
  return {
    valid: (text) => first.valid(text) && second.valid(text),
    says: `${first.says}; ${second.says}`,
  };
}

/**
 * Whether an event holds more than `limit` bytes of JSON, found without serialising it (which would double the
 * memory a large event takes) and stopping as soon as it is over: an event of 400,000 keys took 590 MB through the
 * whole reading; refused at once, it takes what Lambda's runtime took to parse it.
 */
export function largerThan(value: unknown, limit: number): boolean {
  let budget = limit;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') budget -= item.length + 2;
    else if (Array.isArray(item)) {
      // Each element costs a byte at least: a long array is judged by its length, before any element is visited.
      budget -= item.length + 1;
      if (budget < 0) return true;
      for (const element of item) stack.push(element);
    } else if (isObject(item)) {
      for (const key in item) {
        budget -= key.length + 4;
        stack.push(item[key]);
        if (budget < 0) return true;
      }
    } else budget -= String(item).length;
    if (budget < 0) return true;
  }
  return false;
}

function readArguments(value: unknown, path: Path): Record<string, string> {
  const object = ofType<Record<string, unknown>>(value, 'object', path);
  const entries = Object.entries(object);
  if (entries.length > MAX_ARGUMENTS) refuse(path, `a request sets at most ${MAX_ARGUMENTS} arguments`);
  return Object.fromEntries(
    entries.map(([key, argument]) => {
      text(key, [...path, key], ARGUMENT_KEY_FORM);
      if (typeof argument !== 'string') refuse([...path, key], 'argument values must be strings');
      // A pip-facing value is read by its own grammar, where the argument policy lets a request set it at all.
      if (!PIP_FACING.has(key)) text(argument, [...path, key], ARGUMENT_VALUE);
      return [key, argument as string];
    }),
  );
}

function readMinutes(value: unknown, path: Path): number {
  const minutes = wholeNumber(value, path, 'must be a whole number of minutes');
  if (minutes < 1) refuse(path, 'must be at least 1 minute');
  if (minutes > MAX_RUN_TIMEOUT_MINUTES) {
    refuse(path, `must be at most ${MAX_RUN_TIMEOUT_MINUTES} minutes (Glue refuses 7 days, 10080 minutes, or more)`);
  }
  return minutes;
}

/** camelCase mirrors of StartJobRun's fields, every one optional. */
export interface RequestFields {
  readonly jobName?: string;
  readonly arguments?: Record<string, string>;
  readonly timeout?: number;
  readonly workerType?: string;
  readonly numberOfWorkers?: number;
  readonly executionClass?: 'STANDARD' | 'FLEX';
  readonly securityConfiguration?: string;
  readonly jobRunQueuingEnabled?: boolean;
  readonly idempotencyKey?: string;
}

const REQUEST_READERS: { readonly [F in keyof RequestFields]-?: (value: unknown, path: Path) => RequestFields[F] } = {
  jobName: (value, path) => text(value, path, JOB_NAME),
  arguments: readArguments,
  timeout: readMinutes,
  workerType: (value, path) => text(value, path, both(sized(64), dataValue('a worker type'))),
  numberOfWorkers: (value, path) => {
    const workers = wholeNumber(value, path, 'must be a whole number');
    return workers >= 1 ? workers : refuse(path, 'must be at least 1');
  },
  executionClass: (value, path) =>
    value === 'STANDARD' || value === 'FLEX' ? value : refuse(path, 'expected "STANDARD" or "FLEX"'),
  securityConfiguration: (value, path) => text(value, path, both(sized(255), dataValue('a security configuration'))),
  jobRunQueuingEnabled: (value, path) => ofType<boolean>(value, 'boolean', path),
  idempotencyKey: (value, path) => text(value, path, KEY),
};
const REQUEST_FIELDS = new Set(Object.keys(REQUEST_READERS));

export function readRequest(value: unknown, path: Path): RequestFields {
  const object = fieldsOf(value, REQUEST_FIELDS, path);
  return Object.assign(
    {},
    ...Object.entries(REQUEST_READERS).map(([field, read]) => present(object, field, read, path)),
  ) as RequestFields;
}

export interface BatchFields {
  readonly jobs: readonly RequestFields[];
  readonly idempotencyKey?: string;
}

const BATCH_FIELDS = new Set(['jobs', 'idempotencyKey']);

export function readBatch(value: unknown, path: Path): BatchFields {
  const object = fieldsOf(value, BATCH_FIELDS, path);
  const jobs = ofType<unknown[]>(object.jobs, 'array', [...path, 'jobs']);
  if (jobs.length < 1) refuse([...path, 'jobs'], 'a batch needs at least one job');
  if (jobs.length > MAX_BATCH) refuse([...path, 'jobs'], `a batch holds at most ${MAX_BATCH} jobs`);
  return {
    jobs: jobs.map((job, index) => readRequest(job, [...path, 'jobs', index])),
    ...present(object, 'idempotencyKey', REQUEST_READERS.idempotencyKey, path),
  };
}

/**
 * An ISO 8601 date and time in UTC, to the second or finer, on a day the calendar has: what
 * @aws-lambda-powertools/parser's EventBridgeSchema accepts as `time` (test/unit/envelope.test.ts).
 */
const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/;
function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export interface Envelope {
  readonly id: string;
  readonly time: Date;
  readonly detail: unknown;
}

/**
 * The EventBridge envelope, field for field as @aws-lambda-powertools/parser's EventBridgeSchema defines it (the test
 * above holds the two to the same verdicts), and stricter in two ways: no field beside the envelope's own (a request
 * put there would be silently ignored), and an `id` that can serve as an idempotency key.
 */
const ENVELOPE_READERS: Readonly<Record<string, (value: unknown, path: Path) => unknown>> = {
  version: (value, path) => text(value, path),
  id: (value, path) => text(value, path, KEY),
  'detail-type': (value, path) => text(value, path),
  source: (value, path) => text(value, path),
  account: (value, path) => text(value, path),
  time: (value, path) => text(value, path, { valid: isDateTime, says: 'expected an ISO 8601 date and time' }),
  region: (value, path) => text(value, path),
  resources: (value, path) =>
    ofType<unknown[]>(value, 'array', path).map((resource, index) => text(resource, [...path, index])),
  detail: (value) => value,
};
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set([...Object.keys(ENVELOPE_READERS), 'replay-name']);

export function readEnvelope(value: unknown): Envelope {
  const object = fieldsOf(value, ENVELOPE_FIELDS, []);
  for (const [field, read] of Object.entries(ENVELOPE_READERS)) {
    if (!Object.hasOwn(object, field)) refuse([field], 'is missing');
    read(object[field], [field]);
  }
  present(object, 'replay-name', (v, path) => text(v, path), []);
  return { id: object.id as string, time: new Date(object.time as string), detail: object.detail };
}
