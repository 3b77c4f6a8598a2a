import * as z from 'zod/mini';
import './zod-messages';
import { InvalidRequest } from './errors';
import { LAUNCHER_ARGUMENTS } from './idempotency';

export const MAX_BATCH = 100;

// zod/mini, not classic zod: classic zod costs ~95 KB of bundle even tree-shaken (see README, Performance).
const JobName = z.string().check(
  z.regex(/^[^\p{Cc}]{1,255}$/u, {
    error: 'must be a Glue job name of 1 to 255 characters without control characters',
  }),
);

const IdempotencyKey = z
  .string()
  .check(z.regex(/^[\x21-\x7e]{1,256}$/, { error: 'must be 1 to 256 printable ASCII characters without spaces' }));

const ArgumentKey = z.string().check(
  z.regex(/^--\S+$/, { error: 'argument keys must start with "--" and contain no spaces' }),
  z.refine((key: string) => !LAUNCHER_ARGUMENTS.includes(key), {
    error: 'the --launch-* arguments are set by the launcher; use "idempotencyKey" for the key',
  }),
);

/** Checked on the raw keys: zod's record quietly drops a `__proto__` key, and no key may go unchecked. */
const ArgumentsSchema = z.pipe(
  z.unknown().check(
    z.superRefine((value: unknown, ctx) => {
      if (typeof value !== 'object' || value === null) return;
      for (const key of Object.keys(value)) {
        const checked = ArgumentKey.safeParse(key);
        if (!checked.success) ctx.addIssue({ code: 'custom', path: [key], message: checked.error.issues[0]?.message });
      }
    }),
  ),
  z.record(ArgumentKey, z.string({ error: 'argument values must be strings' })),
);

const Minutes = z.int({ error: 'must be a whole number of minutes' }).check(z.minimum(1), z.maximum(1_000_000));
const Text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** camelCase mirrors of StartJobRun's fields; strict, because a typo must not be silently ignored. */
export const LaunchRequestSchema = z.strictObject({
  jobName: z.optional(JobName),
  arguments: z.optional(ArgumentsSchema),
  timeout: z.optional(Minutes),
  workerType: z.optional(Text(64)),
  numberOfWorkers: z.optional(z.int({ error: 'must be a whole number' }).check(z.minimum(1))),
  executionClass: z.optional(z.enum(['STANDARD', 'FLEX'])),
  securityConfiguration: z.optional(Text(255)),
  jobRunQueuingEnabled: z.optional(z.boolean()),
  idempotencyKey: z.optional(IdempotencyKey),
});

export const BatchSchema = z.strictObject({
  jobs: z
    .array(LaunchRequestSchema)
    .check(
      z.minLength(1, { error: 'a batch needs at least one job' }),
      z.maxLength(MAX_BATCH, { error: `a batch holds at most ${MAX_BATCH} jobs` }),
    ),
  idempotencyKey: z.optional(IdempotencyKey),
});

// EventBridge Scheduler sends `detail` as a JSON string; rules and PutEvents send an object.
const decodeDetail = (detail: unknown): unknown => {
  if (typeof detail !== 'string') return detail;
  try {
    return JSON.parse(detail);
  } catch {
    return detail;
  }
};

/**
 * The EventBridge envelope, field for field as @aws-lambda-powertools/parser's EventBridgeSchema defines it
 * (test/unit/envelope.test.ts holds the two to the same verdicts). Not imported from there: that module's
 * `import { z } from 'zod'` defeats esbuild's tree shaking and pulls all of classic zod, 444 KB, into the
 * bundle (colinhacks/zod#6597); see README, Performance.
 */
export const EventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});

export type RunSettings = Omit<z.output<typeof LaunchRequestSchema>, 'jobName' | 'idempotencyKey'>;

/** One job to start: the job name is resolved, the idempotency key is per job. */
export interface LaunchRequest extends RunSettings {
  readonly jobName: string;
  readonly idempotencyKey?: string;
}

export interface LaunchPlan {
  /** A batch answers with `runs`, a single request with one run, whatever the number of jobs. */
  readonly batch: boolean;
  readonly requests: readonly LaunchRequest[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const looksLikeEventBridge = (event: Record<string, unknown>) =>
  Object.hasOwn(event, 'detail-type') && Object.hasOwn(event, 'source');

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    const plain = /^[A-Za-z_$][\w$-]*$/.test(name);
    if (!plain) return `${text}[${JSON.stringify(name)}]`;
    return text === '' ? name : `${text}.${name}`;
  }, '');

const describeIssue = (issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): string => {
  const where = formatPath([...prefix, ...issue.path]);
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
      : issue.code === 'invalid_key' && issue.issues[0]
        ? issue.issues[0].message
        : issue.message;
  return where === '' ? what : `${where}: ${what}`;
};

const parseWith = <T extends z.ZodMiniType>(schema: T, input: unknown, prefix: readonly PropertyKey[]): z.output<T> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidRequest(
    `Invalid launch request: ${describeIssue(parsed.error.issues[0] as z.core.$ZodIssue, prefix)}.`,
  );
};

type Body = z.output<typeof BatchSchema> | z.output<typeof LaunchRequestSchema>;

/** `jobs` tells a batch from a request; trying both schemas would report both sets of errors, which helps nobody. */
const parseBody = (body: unknown, prefix: readonly PropertyKey[]): Body =>
  isObject(body) && Object.hasOwn(body, 'jobs')
    ? parseWith(BatchSchema, body, prefix)
    : parseWith(LaunchRequestSchema, body, prefix);

const parseEnvelope = (event: unknown): { body: Body; eventId?: string } => {
  if (!isObject(event)) {
    const kind = Array.isArray(event) ? 'an array' : event === null ? 'null' : `a ${typeof event}`;
    throw new InvalidRequest(`Invalid launch request: the event must be a JSON object, not ${kind}.`);
  }
  if (looksLikeEventBridge(event)) {
    const envelope = parseWith(EventBridgeEnvelopeSchema, event, []);
    return { body: parseBody(decodeDetail(envelope.detail), ['detail']), eventId: envelope.id };
  }
  return { body: parseBody(event, []) };
};

const resolveJobName = (jobName: string | undefined, defaultJobName: string | undefined, where: string) => {
  const name = jobName ?? defaultJobName;
  if (name === undefined) {
    throw new InvalidRequest(
      `Invalid launch request: ${where}jobName is missing and GLUE_JOB_NAME is not set, so there is no job to start.`,
    );
  }
  return name;
};

const toRequest = (
  { jobName, idempotencyKey, ...settings }: z.output<typeof LaunchRequestSchema>,
  defaultJobName: string | undefined,
  key: string | undefined,
  where = '',
): LaunchRequest => {
  const request: LaunchRequest = { ...settings, jobName: resolveJobName(jobName, defaultJobName, where) };
  const runKey = idempotencyKey ?? key;
  return runKey === undefined ? request : { ...request, idempotencyKey: runKey };
};

/**
 * Any supported event -> the jobs to start. The idempotency key is the request's own, else the
 * EventBridge event's `id`; in a batch each job gets `<key>:<index>` so that a redelivery can tell them apart.
 */
export const parseEvent = (event: unknown, defaultJobName: string | undefined): LaunchPlan => {
  const { body, eventId } = parseEnvelope(event);
  const key = body.idempotencyKey ?? eventId;
  if ('jobs' in body) {
    return {
      batch: true,
      requests: body.jobs.map((job, index) =>
        toRequest(job, defaultJobName, key === undefined ? undefined : `${key}:${index}`, `jobs[${index}].`),
      ),
    };
  }
  return { batch: false, requests: [toRequest(body, defaultJobName, key)] };
};
