import type * as z from 'zod/mini';
import type { LaunchPlan, LaunchRequest } from '../domain/plan';
import { LauncherError } from '../errors';
import { type EventSchemas, eventSchemas } from './event-schemas';

type Request = z.output<EventSchemas['request']>;
type Body = z.output<EventSchemas['batch']> | Request;

const invalid = (what: string) => new LauncherError('InvalidRequest', `Invalid launch request: ${what}.`);

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
  throw invalid(describeIssue(parsed.error.issues[0] as z.core.$ZodIssue, prefix));
};

/** `jobs` tells a batch from a request; trying both schemas would report both sets of errors, which helps nobody. */
const parseBody = (body: unknown, prefix: readonly PropertyKey[]): Body =>
  isObject(body) && Object.hasOwn(body, 'jobs')
    ? parseWith(eventSchemas().batch, body, prefix)
    : parseWith(eventSchemas().request, body, prefix);

const parseEnvelope = (event: unknown): { body: Body; eventId?: string } => {
  if (!isObject(event)) {
    const kind = Array.isArray(event) ? 'an array' : event === null ? 'null' : `a ${typeof event}`;
    throw invalid(`the event must be a JSON object, not ${kind}`);
  }
  if (looksLikeEventBridge(event)) {
    const envelope = parseWith(eventSchemas().envelope, event, []);
    return { body: parseBody(decodeDetail(envelope.detail), ['detail']), eventId: envelope.id };
  }
  return { body: parseBody(event, []) };
};

const toRequest = (
  { jobName, idempotencyKey, ...settings }: Request,
  defaultJobName: string | undefined,
  key: string | undefined,
  where = '',
): LaunchRequest => {
  const name = jobName ?? defaultJobName;
  if (name === undefined)
    throw invalid(`${where}jobName is missing and GLUE_JOB_NAME is not set, so there is no job to start`);
  const runKey = idempotencyKey ?? key;
  return runKey === undefined ? { ...settings, jobName: name } : { ...settings, jobName: name, idempotencyKey: runKey };
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
