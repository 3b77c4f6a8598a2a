import { gate, type Settled, settle } from '../concurrency';
import { jobLookupFailed, jobNotFound, type LauncherError, toLauncherError } from '../errors';
import { earlierRuns } from '../idempotency/lookup';
import { firstPageSize, type RecentRun } from '../idempotency/record';
import type { LaunchRequest } from '../plan';
import { type GlueJob, isServiceFailure, type JobService, type LockOutcome } from '../ports';
import { type EarlyToken, earlyToken } from '../token/access';
import type { LaunchDeps } from './model';

/**
 * Round trip 1: what the launch learns before it decides anything. The calls run in parallel; what comes back is
 * settled values, so that judging a job (launch/launch.ts) is a pure function of them.
 */

/**
 * What round trip 1 brings for one request: its job; for a keyed launch, the job's earlier runs by key, and with
 * the optional lock what taking each of the job's keys came to (taken before the run list is read, so that the
 * read happens inside the locked section).
 */
export interface JobFacts {
  readonly job: Settled<GlueJob>;
  readonly earlier: Settled<ReadonlyMap<string, RecentRun>> | undefined;
  readonly locks: ReadonlyMap<string, Settled<LockOutcome>>;
}

export interface RoundTrip {
  /** One per request, in the plan's order; requests for the same job share one GetJob and one lookup. */
  readonly facts: readonly JobFacts[];
  readonly endpoint: Settled<string>;
  /** Asked for before GetJob answered, when its lifetime could be known then (token/access.ts). */
  readonly early: EarlyToken;
}

/** A failed GetJob or GetJobRuns, for the job it was about: nothing is started for that job. */
export function lookupFailure(jobName: string, error: unknown): LauncherError {
  if (!isServiceFailure(error)) return toLauncherError(error, jobName);
  if (error.kind === 'not-found') return jobNotFound(jobName, error.detail);
  return jobLookupFailed(jobName, error.operation, error.detail);
}

/** The lock's hold on a key when the function's time is not known (tests, tools): as long as a short run's. */
const DEFAULT_HOLD_MS = 15 * 60 * 1000;

/**
 * How long a record taken now holds its key: until the last StartJobRun sent under it can no longer take effect,
 * which is the function's deadline (no start is sent after it) and the start's effect window beyond it (a start sent
 * just before the deadline may land that much later). Held less, a redelivery could take the record over, look in
 * Glue's run list before that start landed, and start a second run (docs/adr/0014-never-twice.md).
 */
export function lockHoldMs(remainingMs: number, startEffectWindowMs: number): number {
  return (Number.isFinite(remainingMs) ? remainingMs : DEFAULT_HOLD_MS) + startEffectWindowMs;
}

/** With the optional lock, each of the job's keys taken, all at once, before the run list is read. */
async function takeLocks(
  jobName: string,
  keys: ReadonlyMap<string, string>,
  remainingMs: number,
  deps: LaunchDeps,
): Promise<ReadonlyMap<string, Settled<LockOutcome>>> {
  const { lock } = deps;
  if (lock === undefined) return new Map();
  const holdMs = lockHoldMs(remainingMs, deps.startEffectWindowMs);
  const taken = await Promise.all(
    [...keys].map(
      async ([key, digest]) => [key, await settle(lock.acquire({ jobName, key }, digest, holdMs))] as const,
    ),
  );
  return new Map(taken);
}

/** A job's keys taken (with the lock), then its run list read back to `since`: the read inside the locked section. */
async function lookAfterLocks(
  jobName: string,
  keys: ReadonlyMap<string, string>,
  since: Date | undefined,
  remainingMs: number,
  reads: GlueReads,
  deps: LaunchDeps,
): Promise<Pick<JobFacts, 'locks'> & { runs: JobFacts['earlier'] }> {
  const locks = await takeLocks(jobName, keys, remainingMs, deps);
  if (since === undefined) return { runs: undefined, locks };
  const runs = await settle(earlierRuns(reads, jobName, new Set(keys.keys()), since, firstPageSize(keys.size)));
  return { runs, locks };
}

/**
 * Glue reads in flight at once in round trip 1. The SDK's connection timeout counts from the moment a request is
 * made, including the time it waits for one of the agent's 50 sockets: a batch of 100 (100 GetJob, up to 100
 * GetJobRuns) queued behind them timed out on a loaded machine without any service being slow. Held below the
 * agent's sockets here, a read waits in the launcher's queue instead, where no connection clock runs.
 */
export const GLUE_READS_IN_FLIGHT = 20;

/** Glue's reads, through one gate (StartJobRun is bounded by MAX_PARALLEL_STARTS instead). */
type GlueReads = Pick<JobService, 'getJob' | 'jobRuns'>;

function gatedReads(jobs: JobService): GlueReads {
  const through = gate(GLUE_READS_IN_FLIGHT);
  return {
    getJob: (jobName) => through(() => jobs.getJob(jobName)),
    jobRuns: (jobName, pageSize, nextToken) => through(() => jobs.jobRuns(jobName, pageSize, nextToken)),
  };
}

/** Each job's keys (with what each asks for), and how far back the earliest of them must be looked for. */
function keysByJob(
  requests: readonly LaunchRequest[],
  digests: readonly string[],
  horizon: (request: LaunchRequest) => Date,
) {
  const keys = new Map<string, { keys: Map<string, string>; since: Date | undefined }>();
  for (const [at, request] of requests.entries()) {
    const job = keys.get(request.jobName) ?? { keys: new Map<string, string>(), since: undefined };
    if (request.idempotencyKey !== undefined) {
      job.keys.set(request.idempotencyKey, digests[at] as string);
      const since = horizon(request);
      if (job.since === undefined || since < job.since) job.since = since;
    }
    keys.set(request.jobName, job);
  }
  return keys;
}

/**
 * Round trip 1: everything that depends on nothing else, at once. GetJob once per job name; with the lock, each
 * job's keys taken, then the look for earlier runs of the job names that have keyed launches (back to the earliest
 * horizon of their keys); the repository endpoint; and the token, when its lifetime is already known. `digests`:
 * what each request asks for (idempotency/record.ts), computed once by the launch.
 */
export async function roundTrip(
  requests: readonly LaunchRequest[],
  digests: readonly string[],
  horizon: (request: LaunchRequest) => Date,
  deps: LaunchDeps,
  remainingMs: number,
): Promise<RoundTrip> {
  const endpoint = settle(deps.endpoint());
  const asked = new Map<string, Promise<JobFacts>>();
  const glue = gatedReads(deps.jobs);
  for (const [jobName, { keys, since }] of keysByJob(requests, digests, horizon)) {
    const job = settle(glue.getJob(jobName));
    const earlier = lookAfterLocks(jobName, keys, since, remainingMs, glue, deps);
    asked.set(
      jobName,
      Promise.all([job, earlier]).then(([job, { runs, locks }]) => ({ job, earlier: runs, locks })),
    );
  }
  const standing = deps.config.standing?.jobNames;
  const early = earlyToken(
    requests.map(({ jobName, timeout }) => ({ jobName, requestTimeout: timeout, standing: standing?.has(jobName) })),
    deps,
  );
  const [facts, endpointValue, earlyValue] = await Promise.all([
    Promise.all(requests.map(({ jobName }) => asked.get(jobName) as Promise<JobFacts>)),
    endpoint,
    early,
  ]);
  return { facts, endpoint: endpointValue, early: earlyValue };
}
