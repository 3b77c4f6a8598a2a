import { invalidRefresh, invalidRequest, variableText } from '../errors';
import { derivedKey, requestDigest } from '../idempotency/record';
import type { KeySource, LaunchPlan, LaunchRequest } from '../plan';
import {
  type BatchFields,
  isObject,
  largerThan,
  MAX_EVENT_BYTES,
  type RequestFields,
  readBatch,
  readEnvelope,
  readRequest,
} from './grammar';

type Body = BatchFields | RequestFields;

function looksLikeEventBridge(event: Record<string, unknown>) {
  return Object.hasOwn(event, 'detail-type') && Object.hasOwn(event, 'source');
}

// EventBridge Scheduler sends `detail` as a JSON string; rules and PutEvents send an object.
function decodeDetail(detail: unknown): unknown {
  if (typeof detail !== 'string') return detail;
  try {
    return JSON.parse(detail);
  } catch {
    return detail;
  }
}

/** `jobs` tells a batch from a request; reading it as both would report both sets of errors, which helps nobody. */
function parseBody(body: unknown, path: readonly string[]): Body {
  return isObject(body) && Object.hasOwn(body, 'jobs') ? readBatch(body, path) : readRequest(body, path);
}

function parseEnvelope(event: unknown): { body: Body; eventId?: string; eventTime?: Date } {
  if (!isObject(event)) {
    const kind = Array.isArray(event) ? 'an array' : event === null ? 'null' : `a ${typeof event}`;
    throw invalidRequest(`the event must be a JSON object, not ${kind}`);
  }
  if (largerThan(event, MAX_EVENT_BYTES)) {
    throw invalidRequest(
      `the event holds more than ${MAX_EVENT_BYTES / 1024} KB; a launch request is a job, its arguments and settings (a batch: at most 100 of them)`,
    );
  }
  if (looksLikeEventBridge(event)) {
    const envelope = readEnvelope(event);
    const body = parseBody(decodeDetail(envelope.detail), ['detail']);
    return { body, eventId: envelope.id, eventTime: envelope.time };
  }
  return { body: parseBody(event, []) };
}

function resolveJobName(jobName: string | undefined, defaultJobName: string | undefined, where = ''): string {
  const name = jobName ?? defaultJobName;
  if (name === undefined) {
    throw invalidRequest(
      `${where}jobName is missing and ${variableText('GLUE_JOB_NAME')} is not set, so there is no job to start; name the job in the request`,
    );
  }
  return name;
}

function toRequest({ jobName: _, idempotencyKey, ...settings }: RequestFields, jobName: string): LaunchRequest {
  return idempotencyKey === undefined
    ? { ...settings, jobName }
    : { ...settings, jobName, idempotencyKey, keySource: 'request' };
}

/**
 * Any supported event -> the jobs to start. The idempotency key is the request's own, else the batch's or the
 * EventBridge event's `id`, derived per request in a batch so that it depends neither on position nor on order
 * (docs/adr/0009-request-digests-and-a-lookup-horizon.md); an event's `time` bounds how far back an earlier start
 * of a key taken from that event can be.
 */
export function parseEvent(event: unknown, defaultJobName: string | undefined): LaunchPlan {
  const { body, eventId, eventTime } = parseEnvelope(event);
  const key = body.idempotencyKey ?? eventId;
  const source: KeySource = body.idempotencyKey !== undefined ? ('jobs' in body ? 'batch' : 'request') : 'event';
  const when = eventTime === undefined ? {} : { eventTime };
  if (!('jobs' in body)) {
    const request = toRequest(body, resolveJobName(body.jobName, defaultJobName));
    const keyed =
      request.idempotencyKey === undefined && key !== undefined ? { idempotencyKey: key, keySource: source } : {};
    return { batch: false, requests: [{ ...request, ...keyed }], ...when };
  }
  const requests = body.jobs.map((job, index) =>
    toRequest(job, resolveJobName(job.jobName, defaultJobName, `jobs[${index}].`)),
  );
  refuseDuplicateKeys(requests);
  if (key === undefined) return { batch: true, requests, ...when };
  const identical = new Map<string, number>();
  const keyed = requests.map((request) => {
    if (request.idempotencyKey !== undefined) return request;
    const digest = requestDigest(request);
    const twin = JSON.stringify([request.jobName, digest]);
    const before = identical.get(twin) ?? 0;
    identical.set(twin, before + 1);
    return { ...request, idempotencyKey: derivedKey(key, request.jobName, digest, before), keySource: source };
  });
  return { batch: true, requests: keyed, ...when };
}

/** Two requests of one batch with the same key of their own would start two runs under one key. */
function refuseDuplicateKeys(requests: readonly LaunchRequest[]) {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const { idempotencyKey } of requests) {
    if (idempotencyKey === undefined) continue;
    if (seen.has(idempotencyKey)) twice.add(idempotencyKey);
    seen.add(idempotencyKey);
  }
  if (twice.size > 0) {
    throw invalidRequest(
      `the idempotency key ${[...twice].map((k) => JSON.stringify(k)).join(', ')} is given to more than one job of the batch; give each request its own key, or none (the batch's key is then derived per request)`,
    );
  }
}

/**
 * The refresher's event: `{}` refreshes every standing job, in STANDING_JOB_NAMES' order; `{ "jobNames": [...] }`
 * the ones named, each a standing job, once. Anything else is `InvalidRequest`, and nothing is written.
 */
export function parseRefreshEvent(event: unknown, standing: ReadonlySet<string>): string[] {
  if (!isObject(event) || Array.isArray(event)) {
    throw invalidRefresh('the event must be {} or {"jobNames": [...]}, a JSON object');
  }
  const unknown = Object.keys(event).filter((key) => key !== 'jobNames');
  if (unknown.length > 0) {
    throw invalidRefresh(
      `unknown field ${unknown.map((key) => JSON.stringify(key.slice(0, 64))).join(', ')}; the event is {} or {"jobNames": [...]}`,
    );
  }
  if (!Object.hasOwn(event, 'jobNames')) return [...standing];
  const { jobNames } = event;
  if (!Array.isArray(jobNames) || jobNames.length === 0 || jobNames.length > standing.size) {
    throw invalidRefresh(`jobNames must be a list of 1 to ${standing.size} standing job names`);
  }
  const seen = new Set<string>();
  for (const name of jobNames) {
    if (typeof name !== 'string' || name === '') throw invalidRefresh('jobNames holds an empty or non-string name');
    if (!standing.has(name)) {
      throw invalidRefresh(
        `job ${JSON.stringify(name.slice(0, 255))} is not in ${variableText('STANDING_JOB_NAMES')}; add it there to give it a standing file`,
      );
    }
    if (seen.has(name)) throw invalidRefresh(`jobNames lists ${name} twice`);
    seen.add(name);
  }
  return [...seen];
}
