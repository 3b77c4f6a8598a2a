import { gate, type Settled, settle } from '../concurrency';
import { jobNotFound, type LauncherError, startJobRunFailed, tokenUnavailable, toLauncherError } from '../errors';
import { earlierRuns } from '../idempotency/lookup';
import { firstPageSize, type RecentRun, requestDigest } from '../idempotency/record';
import { indexHost, indexUrl, isRepositoryEndpoint } from '../pip/index-url';
import { MAX_REQUIREMENTS_FILE_BYTES } from '../pip/requirements';
import type { LaunchRequest } from '../plan';
import {
  failureDetail,
  type GlueJob,
  isServiceFailure,
  type JobService,
  type LockOutcome,
  type PrivateRepository,
  ServiceFailure,
  type StoredBytes,
} from '../ports';
import { jobTimeoutMinutes, tokenDuration, upfrontDuration } from '../token/lifetime';
import type { Eligible, LaunchDeps } from './model';

/**
 * Round trip 1 and the token: what the launch learns before it starts anything. The calls run in parallel; what
 * comes back is settled values, so that judging a job (launch/launch.ts) is a pure function of them.
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

type TokenWithDuration = { readonly token: string; readonly expiresAt: Date; readonly durationSeconds: number };

export interface RoundTrip {
  /** One per request, in the plan's order; requests for the same job share one GetJob and one lookup. */
  readonly facts: readonly JobFacts[];
  readonly endpoint: Settled<string>;
  /** Asked for before GetJob answered, when its lifetime could be known then. */
  readonly early: { readonly seconds: number; readonly token: Settled<TokenWithDuration> } | undefined;
}

/** A failed GetJob or GetJobRuns, for the job it was about: nothing is started for that job. */
export const lookupFailure = (jobName: string, error: unknown): LauncherError => {
  if (!isServiceFailure(error)) return toLauncherError(error, jobName);
  if (error.kind === 'not-found') return jobNotFound(jobName, error.detail);
  const because = error.operation === 'GetJobRuns' ? ', so an earlier start of this launch could not be ruled out' : '';
  return startJobRunFailed(jobName, `${error.operation} failed with ${error.detail}${because}`);
};

/** The lock's hold on a key when the function's time is not known (tests, tools): as long as a short run's. */
const DEFAULT_HOLD_MS = 15 * 60 * 1000;

/**
 * How long a record taken now holds its key: until the last StartJobRun sent under it can no longer take effect,
 * which is the function's deadline (no start is sent after it) and the start's effect window beyond it (a start sent
 * just before the deadline may land that much later). Held less, a redelivery could take the record over, look in
 * Glue's run list before that start landed, and start a second run (docs/adr/0014-never-twice.md).
 */
export const lockHoldMs = (remainingMs: number, startEffectWindowMs: number): number =>
  (Number.isFinite(remainingMs) ? remainingMs : DEFAULT_HOLD_MS) + startEffectWindowMs;

/** With the optional lock, each of the job's keys taken, all at once, before the run list is read. */
const takeLocks = async (
  jobName: string,
  keys: ReadonlyMap<string, string>,
  remainingMs: number,
  deps: LaunchDeps,
): Promise<ReadonlyMap<string, Settled<LockOutcome>>> => {
  const { lock } = deps;
  if (lock === undefined) return new Map();
  const holdMs = lockHoldMs(remainingMs, deps.startEffectWindowMs);
  const taken = await Promise.all(
    [...keys].map(
      async ([key, digest]) => [key, await settle(lock.acquire({ jobName, key }, digest, holdMs))] as const,
    ),
  );
  return new Map(taken);
};

/** A job's keys taken (with the lock), then its run list read back to `since`: the read inside the locked section. */
const lookAfterLocks = async (
  jobName: string,
  keys: ReadonlyMap<string, string>,
  since: Date | undefined,
  remainingMs: number,
  reads: GlueReads,
  deps: LaunchDeps,
): Promise<Pick<JobFacts, 'locks'> & { runs: JobFacts['earlier'] }> => {
  const locks = await takeLocks(jobName, keys, remainingMs, deps);
  if (since === undefined) return { runs: undefined, locks };
  const runs = await settle(earlierRuns(reads, jobName, new Set(keys.keys()), since, firstPageSize(keys.size)));
  return { runs, locks };
};

/**
 * Glue reads in flight at once in round trip 1. The SDK's connection timeout counts from the moment a request is
 * made, including the time it waits for one of the agent's 50 sockets: a batch of 100 (100 GetJob, up to 100
 * GetJobRuns) queued behind them timed out on a loaded machine without any service being slow. Held below the
 * agent's sockets here, a read waits in the launcher's queue instead, where no connection clock runs.
 */
export const GLUE_READS_IN_FLIGHT = 20;

/** Glue's reads, through one gate (StartJobRun is bounded by MAX_PARALLEL_STARTS instead). */
type GlueReads = Pick<JobService, 'getJob' | 'jobRuns'>;

const gatedReads = (jobs: JobService): GlueReads => {
  const through = gate(GLUE_READS_IN_FLIGHT);
  return {
    getJob: (jobName) => through(() => jobs.getJob(jobName)),
    jobRuns: (jobName, pageSize, nextToken) => through(() => jobs.jobRuns(jobName, pageSize, nextToken)),
  };
};

/** Asks CodeArtifact for a token that lives `seconds`, remembering what was asked (the expiry is rounded). */
const fetchToken = (deps: LaunchDeps, seconds: number): Promise<Settled<TokenWithDuration>> => {
  deps.logger.debug('Requesting authorization token', { durationSeconds: seconds });
  deps.metrics.tokenRequested(seconds);
  return settle(deps.repository.authorizationToken(seconds).then((token) => ({ ...token, durationSeconds: seconds })));
};

/** Each job's keys (with what each asks for), and how far back the earliest of them must be looked for. */
const keysByJob = (requests: readonly LaunchRequest[], horizon: (request: LaunchRequest) => Date) => {
  const keys = new Map<string, { keys: Map<string, string>; since: Date | undefined }>();
  for (const request of requests) {
    const job = keys.get(request.jobName) ?? { keys: new Map<string, string>(), since: undefined };
    if (request.idempotencyKey !== undefined) {
      job.keys.set(request.idempotencyKey, requestDigest(request));
      const since = horizon(request);
      if (job.since === undefined || since < job.since) job.since = since;
    }
    keys.set(request.jobName, job);
  }
  return keys;
};

/**
 * Round trip 1: everything that depends on nothing else, at once. GetJob once per job name, the look for earlier
 * runs of the job names that have keyed launches (back to the earliest horizon of their keys), the repository
 * endpoint and, when its
 * lifetime is already known, the token.
 */
export const roundTrip = async (
  requests: readonly LaunchRequest[],
  horizon: (request: LaunchRequest) => Date,
  deps: LaunchDeps,
  remainingMs: number,
): Promise<RoundTrip> => {
  const endpoint = settle(deps.endpoint());
  const asked = new Map<string, Promise<JobFacts>>();
  const glue = gatedReads(deps.jobs);
  for (const [jobName, { keys, since }] of keysByJob(requests, horizon)) {
    const job = settle(glue.getJob(jobName));
    const earlier = lookAfterLocks(jobName, keys, since, remainingMs, glue, deps);
    asked.set(
      jobName,
      Promise.all([job, earlier]).then(([job, { runs, locks }]) => ({ job, earlier: runs, locks })),
    );
  }
  const seconds = upfrontDuration(
    deps.settings.tokenDuration,
    requests.map((r) => ({ requestTimeout: r.timeout, jobTimeout: deps.jobTimeouts.get(r.jobName) })),
  );
  const early = seconds === undefined ? undefined : fetchToken(deps, seconds).then((token) => ({ seconds, token }));
  const [facts, endpointValue, earlyToken] = await Promise.all([
    Promise.all(requests.map(({ jobName }) => asked.get(jobName) as Promise<JobFacts>)),
    endpoint,
    early,
  ]);
  return { facts, endpoint: endpointValue, early: earlyToken };
};

/** What runs need to reach the private index, and what must never be repeated anywhere else. */
export interface IndexAccess {
  readonly url: string;
  readonly host: string;
  readonly expiresAt: Date;
  /** What was asked of CodeArtifact: `expiresAt` is rounded to the second, so needs are compared with this. */
  readonly durationSeconds: number;
  /** Scrubbed, in every spelling, from every message that leaves the launcher (token/redact.ts). */
  readonly token: string;
}

/** A token that ends sooner than this is refused: a run's pip would not get far with it. */
export const MIN_TOKEN_LIFE_MS = 15 * 60 * 1000;

const checkedEndpoint = (endpoint: string): string => {
  if (isRepositoryEndpoint(endpoint)) return endpoint;
  const shown = JSON.stringify(endpoint.length > 80 ? `${endpoint.slice(0, 80)}...` : endpoint);
  throw new ServiceFailure('GetRepositoryEndpoint', 'unreadable', `the endpoint ${shown} is not an http(s) URL`);
};

/**
 * The repository's endpoint, asked for once per container. A failure, or an answer that is not a URL, is not
 * remembered: the next launch asks again.
 */
export const cachedEndpoint = (repository: PrivateRepository): (() => Promise<string>) => {
  let endpoint: Promise<string> | undefined;
  return () => {
    endpoint ??= repository
      .repositoryEndpoint()
      .then(checkedEndpoint)
      .catch((error: unknown) => {
        endpoint = undefined;
        throw error;
      });
    return endpoint;
  };
};

/** The index access, or the error each ready job fails with: `TokenUnavailable`, nothing started. */
export type AccessOutcome =
  | { readonly ok: true; readonly access: IndexAccess }
  | { readonly ok: false; readonly refusal: (jobName: string) => LauncherError };

const refused = (why: string): AccessOutcome => ({ ok: false, refusal: (jobName) => tokenUnavailable(jobName, why) });

/**
 * The token decision, in one place: the index URL for the ready jobs, with a token that covers every one of them
 * (the early token when it was sized for enough, else a new one sized now that GetJob has answered), checked
 * before it is used: an endpoint that is a URL, a token with at least 15 minutes of life.
 */
export const indexAccess = async (
  ready: readonly Eligible[],
  trip: RoundTrip,
  deps: LaunchDeps,
): Promise<AccessOutcome> => {
  const needed = tokenDuration(
    deps.settings.tokenDuration,
    ready.map(({ request, job }) => ({ requestTimeout: request.timeout, jobTimeout: jobTimeoutMinutes(job) })),
  );
  // No early token, or one sized for a timeout the job no longer has: every run must get a token that covers it.
  const got = trip.early && trip.early.seconds >= needed ? trip.early.token : await fetchToken(deps, needed);
  const { endpoint } = trip;
  const { domain, repository } = deps.settings;
  if (!endpoint.ok) {
    return refused(
      `CodeArtifact did not give the endpoint of ${domain}/${repository}: ${failureDetail(endpoint.error)}`,
    );
  }
  if (!got.ok) return refused(`CodeArtifact gave no token for domain ${domain}: ${failureDetail(got.error)}`);
  const { token, expiresAt, durationSeconds } = got.value;
  if (expiresAt.getTime() < deps.clock() + MIN_TOKEN_LIFE_MS) {
    return refused(
      `CodeArtifact gave a token that expires at ${expiresAt.toISOString()}, less than 15 minutes from now`,
    );
  }
  const url = indexUrl(endpoint.value, token);
  return { ok: true, access: { url, token, host: indexHost(endpoint.value), expiresAt, durationSeconds } };
};

/** Jobs' own requirements files, by URI, as S3 gave them (or why it did not). */
export type OwnFiles = ReadonlyMap<string, Settled<StoredBytes>>;

/**
 * Reads the own requirements file of every eligible job that has one, once per file, at most 1 MiB each: read in
 * every delivery, because pip reads an index line in it over the command line's (docs/adr/0013-strict-grammars-at-the-boundary.md).
 * In parallel with the token: one round trip more only for a job that has such a file.
 */
export const readOwnFiles = async (eligible: readonly Eligible[], deps: LaunchDeps): Promise<OwnFiles> => {
  const uris = [...new Set(eligible.flatMap(({ draft }) => draft.ownFile ?? []))];
  const read = await Promise.all(uris.map((uri) => settle(deps.files.read(uri, MAX_REQUIREMENTS_FILE_BYTES))));
  return new Map(uris.map((uri, at) => [uri, read[at] as Settled<StoredBytes>]));
};
