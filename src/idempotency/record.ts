import { createHash } from 'node:crypto';
import type { LaunchRequest } from '../plan';
import type { RecentRun } from '../ports';

export type { RecentRun };

/**
 * Glue itself is the record of what was launched (docs/adr/0001-glue-run-list-as-idempotency-record.md): each run
 * carries its launch's key, a digest of the request it was started for, and the expiry of its token, so that a
 * redelivered event finds the run it already started instead of starting another.
 */
export const IDEMPOTENCY_ARGUMENT = '--launch-idempotency-key';
export const DIGEST_ARGUMENT = '--launch-request-digest';
export const TOKEN_EXPIRY_ARGUMENT = '--launch-token-expires-at';
export const DELIVERY_ARGUMENT = '--launch-token-delivery';

/** What an earlier run of the same key means for this launch. */
export type Earlier =
  | {
      readonly verdict: 'reused';
      readonly jobRunId: string;
      readonly tokenExpiresAt: string | undefined;
      readonly tokenDelivery: string | undefined;
    }
  | { readonly verdict: 'conflict'; readonly jobRunId: string };

// Keys in UTF-16 code unit order: Array.prototype.sort's own, the same in every Node (0.2 and 0.3 digests hold).
function sorted(value: Readonly<Record<string, unknown>>) {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, value[key]]),
  );
}

/**
 * A short hash of what the request asks for: the job, its arguments as given and its run settings; not its key,
 * and nothing the launcher adds (the token above all). Equal requests have equal digests, in any key order.
 */
export function requestDigest({
  idempotencyKey: _,
  keySource: __,
  arguments: args,
  ...settings
}: LaunchRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([sorted(settings), sorted(args ?? {})]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The same key on an earlier run: the same request (or a run started before digests were recorded) is reused; a
 * different request is a conflict, because the caller meant something else by it.
 */
export function judgeEarlier(run: RecentRun, digest: string): Earlier {
  const recorded = run.arguments[DIGEST_ARGUMENT];
  return recorded === undefined || recorded === digest
    ? {
        verdict: 'reused',
        jobRunId: run.id,
        tokenExpiresAt: run.arguments[TOKEN_EXPIRY_ARGUMENT],
        tokenDelivery: run.arguments[DELIVERY_ARGUMENT],
      }
    : { verdict: 'conflict', jobRunId: run.id };
}

/** The launcher's own arguments for a run. */
export function launchArguments(
  key: string | undefined,
  digest: string,
  tokenExpiresAt: Date,
  tokenDelivery: string,
): Record<string, string> {
  return {
    ...(key === undefined ? {} : { [IDEMPOTENCY_ARGUMENT]: key }),
    [DIGEST_ARGUMENT]: digest,
    [TOKEN_EXPIRY_ARGUMENT]: tokenExpiresAt.toISOString(),
    [DELIVERY_ARGUMENT]: tokenDelivery,
  };
}

/** EventBridge and Scheduler stop redelivering an event 24 hours after it was sent. */
export const REDELIVERY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Clock skew between EventBridge's `time` and Glue's `StartedOn`. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The occurrence a key of an EventBridge Scheduler schedule names, as template.yaml's schedule writes it:
 * `<aws.scheduler.schedule-arn>#<aws.scheduler.scheduled-time>` (a batch's keys begin with it). Scheduler invokes an
 * occurrence at its scheduled time or after (flexible windows and retries only delay it), so no run started for that
 * key can have started before then.
 */
const SCHEDULER_KEY =
  /^arn:aws[a-z-]*:scheduler:[a-z0-9-]+:\d{12}:schedule\/[^\s#]+#(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)(?: |$)/;

export function scheduledTimeOf(key: string | undefined): Date | undefined {
  const time = key === undefined ? undefined : SCHEDULER_KEY.exec(key)?.[1];
  const date = time === undefined ? undefined : new Date(time);
  return date !== undefined && Number.isFinite(date.getTime()) ? date : undefined;
}

/**
 * How far back an earlier start of this launch can be. A key that is an EventBridge event's `id`: the event's own
 * time (a redelivery of the event carries the first's) less the skew; a Scheduler occurrence's key: its
 * scheduled time less the skew; either never later than the launch's own start (a time in the future must not skip
 * the lookup). Any other key, a request's own even inside an EventBridge envelope: as far back as any redelivery can
 * come. A schedule run every 5 minutes is then looked up in one page of its runs, not 24 hours of them.
 */
export function lookupHorizon(
  request: Pick<LaunchRequest, 'keySource' | 'idempotencyKey'>,
  eventTime: Date | undefined,
  now: number,
): Date {
  const since = request.keySource === 'event' ? eventTime : scheduledTimeOf(request.idempotencyKey);
  return new Date(since ? Math.min(since.getTime(), now) - CLOCK_SKEW_MS : now - REDELIVERY_WINDOW_MS);
}

/**
 * A batch's key for one of its requests: independent of the request's position and of the order of the others, and
 * never another batch's nor a request's own key. It holds the batch's key, then a space (which no key a caller
 * gives may hold) and a short hash of the job, what the request asks for, and how many identical requests came
 * before it in the batch (identical requests are numbered among themselves, which no reordering changes).
 */
export function derivedKey(key: string, jobName: string, digest: string, identicalBefore: number): string {
  return `${key} ${createHash('sha256')
    .update(JSON.stringify([jobName, digest, identicalBefore]))
    .digest('hex')
    .slice(0, 16)}`;
}

/** GetJobRuns' largest page. */
export const MAX_RUNS_PAGE = 200;
/** How many runs a lookup reads at most before it gives up rather than risk a second start. */
export const MAX_RUNS_READ = 1000;
/** How many pages a lookup asks for at most, empty ones included, before it gives up the same way. */
export const MAX_RUNS_PAGES = 20;
/** Enough for a redelivery an hour later of a job that other callers also start now and then. */
const MIN_FIRST_PAGE = 25;

/**
 * The first page to ask for when `launches` keyed launches of one job look for earlier runs: every one of them
 * could have started, plus room for other runs; later pages, if the horizon is further back, are full ones.
 */
export function firstPageSize(launches: number): number {
  return Math.min(MAX_RUNS_PAGE, Math.max(MIN_FIRST_PAGE, 2 * launches));
}
