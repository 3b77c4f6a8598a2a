import type * as z from 'zod/mini';
import { invalidRequest } from '../errors';
import type { LaunchPlan, LaunchRequest } from '../plan';
import { type EventSchemas, eventSchemas } from './event-schemas';

type Request = z.output<EventSchemas['request']>;
type Body = z.output<EventSchemas['batch']> | Request;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const looksLikeEventBridge = (event: Record<string, unknown>) =>
  Object.hasOwn(event, 'detail-type') && Object.hasOwn(event, 'source');

// EventBridge Scheduler sends `detail` as a JSON string; rules and PutEvents send an object.
const decodeDetail = (detail: unknown): unknown => {
  if (typeof detail !== 'string') return detail;
  try {
    return JSON.parse(detail);
  } catch {
    return detail;
  }
};

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `${text}[${JSON.stringify(name)}]`;
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
  throw invalidRequest(describeIssue(parsed.error.issues[0] as z.core.$ZodIssue, prefix));
};

/** `jobs` tells a batch from a request; trying both schemas would report both sets of errors, which helps nobody. */
const parseBody = (body: unknown, prefix: readonly PropertyKey[]): Body =>
  isObject(body) && Object.hasOwn(body, 'jobs')
    ? parseWith(eventSchemas().batch, body, prefix)
    : parseWith(eventSchemas().request, body, prefix);

const parseEnvelope = (event: unknown): { body: Body; eventId?: string; eventTime?: Date } => {
  if (!isObject(event)) {
    const kind = Array.isArray(event) ? 'an array' : event === null ? 'null' : `a ${typeof event}`;
    throw invalidRequest(`the event must be a JSON object, not ${kind}`);
  }
  if (looksLikeEventBridge(event)) {
    const envelope = parseWith(eventSchemas().envelope, event, []);
    const body = parseBody(decodeDetail(envelope.detail), ['detail']);
    return { body, eventId: envelope.id, eventTime: new Date(envelope.time) };
  }
  return { body: parseBody(event, []) };
};

const resolveJobName = (jobName: string | undefined, defaultJobName: string | undefined, where = ''): string => {
  const name = jobName ?? defaultJobName;
  if (name === undefined) {
    throw invalidRequest(`${where}jobName is missing and GLUE_JOB_NAME is not set, so there is no job to start`);
  }
  return name;
};

const toRequest = ({ jobName: _, idempotencyKey, ...settings }: Request, jobName: string, key: string | undefined) => {
  const runKey = idempotencyKey ?? key;
  const request: LaunchRequest = { ...settings, jobName };
  return runKey === undefined ? request : { ...request, idempotencyKey: runKey };
};

/**
 * A batch key that does not depend on position: the n-th request for a job name (n = 0, 1, ...) among those that
 * take the batch's key gets `<key>:<jobName>`, then `<key>:<jobName>:<n>`, so that a batch redelivered in another
 * order, or with a job added, finds each run it already started (docs/adr/0001-glue-run-list-as-idempotency-record.md).
 */
const batchKey = (key: string, jobName: string, seen: Map<string, number>): string => {
  const n = seen.get(jobName) ?? 0;
  seen.set(jobName, n + 1);
  return n === 0 ? `${key}:${jobName}` : `${key}:${jobName}:${n}`;
};

/**
 * Any supported event -> the jobs to start. The idempotency key is the request's own, else the batch's or the
 * EventBridge event's `id` (per job in a batch); the event's `time` bounds how far back an earlier start can be.
 */
export const parseEvent = (event: unknown, defaultJobName: string | undefined): LaunchPlan => {
  const { body, eventId, eventTime } = parseEnvelope(event);
  const key = body.idempotencyKey ?? eventId;
  const when = eventTime === undefined ? {} : { eventTime };
  if (!('jobs' in body)) {
    return { batch: false, requests: [toRequest(body, resolveJobName(body.jobName, defaultJobName), key)], ...when };
  }
  const seen = new Map<string, number>();
  const requests = body.jobs.map((job, index) => {
    const jobName = resolveJobName(job.jobName, defaultJobName, `jobs[${index}].`);
    const derived = job.idempotencyKey === undefined && key !== undefined ? batchKey(key, jobName, seen) : undefined;
    return toRequest(job, jobName, derived);
  });
  return { batch: true, requests, ...when };
};
