import { checkAllowed } from '../boundary/allowlist';
import { checkArguments, checkRunSize } from '../boundary/argument-policy';
import { mapWithLimit, type Settled, settle } from '../concurrency';
import {
  idempotencyConflict,
  launchInProgress,
  lockNotTaken,
  noToken,
  toLauncherError,
  tooLittleTime,
} from '../errors';
import { judgeEarlier, lookupHorizon, requestDigest } from '../idempotency/record';
import { draftPlacement, finishPlacement } from '../pip/placement';
import { MAX_REQUIREMENTS_FILE_BYTES } from '../pip/requirements';
import { draftStanding, finishStanding, type StandingDraft } from '../pip/standing-file';
import type { LaunchPlan, LaunchRequest } from '../plan';
import { failureDetail, type StoredBytes } from '../ports';
import { type AccessOutcome, decideToken } from '../token/access';
import { jobTimeoutMinutes, secondsNeeded } from '../token/lifetime';
import { Progress, withinTime } from './deadline';
import {
  type Concluded,
  type Eligible,
  failed,
  type Invocation,
  type InvocationTime,
  type JobState,
  type LaunchDeps,
  type Ready,
} from './model';
import { conclude, type LaunchResult } from './outcome';
import { type JobFacts, lookupFailure, type RoundTrip, roundTrip } from './round-trip';
import { carrierOf, startRun } from './start';

/**
 * A batch starts no job with less time than this left: one start can take a few request timeouts (its own
 * retries and the look for a lost answer), and a job cut off mid-start is worse than one left for a redelivery of
 * the event.
 */
export const START_MARGIN_MS = 15_000;

/**
 * The use case, top-down (docs/architecture.md). Each step is a call whose name says it: the plan checked before any
 * call; round trip 1 (each job, its earlier runs for keyed launches, the endpoint, the token when its lifetime is
 * already known); each job judged; the token decided while each eligible job is placed; the ready jobs started
 * (round trip 2); the lock's records written; the outcome. An answer always comes before the function's time is up.
 */
export async function launch(plan: LaunchPlan, deps: LaunchDeps, time: InvocationTime): Promise<LaunchResult> {
  checkAllowed(plan.requests, deps.config.allowlist);
  checkArguments(plan.requests, deps.config.argumentPolicy);
  const startedAt = deps.clock();
  const invocation: Invocation = { plan, time, progress: new Progress(), elapsedMs: () => deps.clock() - startedAt };
  return withinTime(launchAll(invocation, startedAt, deps), invocation);
}

async function launchAll(invocation: Invocation, startedAt: number, deps: LaunchDeps): Promise<LaunchResult> {
  const { plan } = invocation;
  const digests = plan.requests.map(requestDigest);
  const horizon = (request: LaunchRequest) => lookupHorizon(request, plan.eventTime, startedAt);
  const trip = await roundTrip(plan.requests, digests, horizon, deps, invocation.time.remainingMs());
  const judged = judgeAll(plan.requests, digests, trip, deps);
  const decided = await tokenAndPlacement(judged, trip, deps);
  const states = decided.token === undefined ? decided.placed : await startAll(decided, invocation, deps);
  const access = decided.token?.ok ? decided.token.access : undefined;
  await recordInLock(plan.requests, digests, trip, states, deps);
  return conclude(plan.batch, states, access, deps);
}

/** Each request judged from what round trip 1 brought; the reused ones said in the log. */
function judgeAll(
  requests: readonly LaunchRequest[],
  digests: readonly string[],
  trip: RoundTrip,
  deps: LaunchDeps,
): JobState[] {
  const rules = { argumentPolicy: deps.config.argumentPolicy, delivery: deps.delivery, standing: deps.config.standing };
  const judged = requests.map((request, at) =>
    judge(request, digests[at] as string, trip.facts[at] as JobFacts, rules),
  );
  logReused(judged, deps);
  return judged;
}

function isEligible(state: JobState): state is Eligible {
  return state.kind === 'eligible';
}
function isConcluded(state: JobState): state is Concluded {
  return state.kind !== 'eligible' && state.kind !== 'ready';
}

/** The token and each eligible job's placement, decided together; with no job eligible, neither. */
type Decided =
  | { readonly token: undefined; readonly placed: Concluded[] }
  | { readonly token: AccessOutcome; readonly placed: Array<Ready | Concluded> };

/** The token for every eligible job (token/access.ts), decided while each is placed. */
async function tokenAndPlacement(judged: JobState[], trip: RoundTrip, deps: LaunchDeps): Promise<Decided> {
  const eligible = judged.filter(isEligible);
  if (eligible.length === 0) return { token: undefined, placed: judged.filter(isConcluded) };
  const uses = eligible.map(({ request, job, draft }) => ({
    jobName: request.jobName,
    requestTimeout: request.timeout,
    job,
    standing: isStanding(draft),
  }));
  const [token, placed] = await Promise.all([
    decideToken(uses, trip.early, trip.endpoint, deps),
    placeAll(judged, deps),
  ]);
  return { token, placed };
}

function isStanding(draft: Eligible['draft']): draft is StandingDraft {
  return 'standing' in draft;
}

/**
 * Each eligible job placed (pip/placement.ts finishPlacement): ready, or refused for what its own
 * requirements file holds or because S3 would not give it. A file two jobs share is read once; files are read in
 * parallel with the token. A standing job's standing file is looked at, and its source read (pip/standing-file.ts
 * finishStanding): the run reads the file as it is, or once the launcher has rewritten it.
 */
function placeAll(judged: readonly JobState[], deps: LaunchDeps): Promise<Array<Ready | Concluded>> {
  const reads = new Map<string, Promise<Settled<StoredBytes>>>();
  const readOwnFile = (uri: string) => {
    const read = reads.get(uri) ?? settle(deps.files.read(uri, MAX_REQUIREMENTS_FILE_BYTES));
    reads.set(uri, read);
    return read;
  };
  const standingReads = {
    metadata: ({ bucket, key }: { bucket: string; key: string }) => settle(deps.files.metadata(bucket, key)),
    source: readOwnFile,
  };
  return Promise.all(
    judged.map(async (state): Promise<Ready | Concluded> => {
      if (state.kind !== 'eligible') return state;
      const { request, job, draft, digest } = state;
      try {
        const placement = isStanding(draft)
          ? await finishStanding(draft, standingReads, {
              now: deps.clock(),
              seconds: secondsNeeded({ requestTimeout: request.timeout, jobTimeout: jobTimeoutMinutes(job) }),
            })
          : await finishPlacement(draft, readOwnFile);
        return { kind: 'ready', request, job, placement, digest };
      } catch (error) {
        return failed(request, toLauncherError(error, request.jobName));
      }
    }),
  );
}

/**
 * Round trip 2: each ready job started once (launch/start.ts), at most MAX_PARALLEL_STARTS at a time so that a
 * batch does not trip Glue's rate limit; or, without a token, each failed with why.
 */
function startAll(
  { token, placed }: Extract<Decided, { token: AccessOutcome }>,
  invocation: Invocation,
  deps: LaunchDeps,
): Promise<Concluded[]> {
  return mapWithLimit(placed, deps.config.maxParallelStarts, async (state): Promise<Concluded> => {
    if (state.kind !== 'ready') return state;
    const { jobName } = state.request;
    // A standing file whose token outlives the run needs none of this invocation's; every other placement does.
    const carrier = carrierOf(state.placement, token);
    if ('problem' in carrier) return failed(state.request, noToken(jobName, carrier.problem));
    // A batch leaves a job for a redelivery of the event rather than start it with too little time left.
    const left = invocation.time.remainingMs();
    if (invocation.plan.batch && left < START_MARGIN_MS) return failed(state.request, tooLittleTime(jobName, left));
    return startRun(state, carrier, invocation, deps);
  });
}

/**
 * With the optional lock: each key this invocation took records how its launch ended. A run (started now, or
 * found in Glue's run list) completes the record, for later invocations to reuse; a launch that certainly started
 * nothing frees the key; one that may have started keeps it until its hold ends, so that the next invocation looks
 * in Glue's run list after it. A record that cannot be written is logged: Glue's run list still has the run.
 */
async function recordInLock(
  requests: readonly LaunchRequest[],
  digests: readonly string[],
  trip: RoundTrip,
  states: readonly Concluded[],
  deps: LaunchDeps,
): Promise<void> {
  const { lock } = deps;
  if (lock === undefined) return;
  await Promise.all(
    requests.map(async (request, at) => {
      const key = request.idempotencyKey;
      const held = key === undefined ? undefined : trip.facts[at]?.locks.get(key);
      const state = states[at] as Concluded;
      if (key === undefined || !held?.ok || held.value.kind !== 'acquired') return;
      const digest = digests[at] as string;
      try {
        if (state.kind === 'started' || state.kind === 'reused') {
          // A reused run's token is the one it recorded; a started one's, the one it reads.
          const { tokenExpiresAt } = state;
          const { jobRunId, tokenDelivery } = state;
          const run = { jobRunId, ...defined({ tokenExpiresAt, tokenDelivery }) };
          await lock.complete({ jobName: request.jobName, key }, digest, run);
        } else if (!state.error.mayHaveStarted) {
          await lock.release({ jobName: request.jobName, key }, digest);
        }
      } catch (error) {
        deps.logger.warn('The launch lock could not record how the launch ended', {
          jobName: request.jobName,
          idempotencyKey: key,
          error: failureDetail(error),
        });
      }
    }),
  );
}

function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * One request, judged from what round trip 1 brought, before any token exists: its job is not found, it was
 * already started by an earlier invocation of this launch (or its key was used for another request), its run would
 * be larger than MAX_DPU allows with the job's own size, or it is eligible to be placed.
 */
export function judge(
  request: LaunchRequest,
  digest: string,
  { job, earlier, locks }: JobFacts,
  {
    argumentPolicy,
    delivery,
    standing,
  }: Pick<LaunchDeps['config'], 'argumentPolicy' | 'standing'> & Pick<LaunchDeps, 'delivery'>,
): JobState {
  if (!job.ok) return failed(request, lookupFailure(request.jobName, job.error));
  const key = request.idempotencyKey;
  const held = key === undefined ? undefined : locks.get(key);
  if (key !== undefined && held !== undefined) {
    if (!held.ok) return failed(request, lockNotTaken(request.jobName, failureDetail(held.error)));
    const outcome = held.value;
    if (outcome.kind === 'in-progress') return failed(request, launchInProgress(request.jobName, key));
    if (outcome.kind === 'conflict') return failed(request, idempotencyConflict(request.jobName, key));
    if (outcome.kind === 'completed') {
      const { jobRunId, tokenExpiresAt, tokenDelivery } = outcome.run;
      return { kind: 'reused', request, jobRunId, tokenExpiresAt, tokenDelivery };
    }
  }
  if (key !== undefined && earlier !== undefined) {
    if (!earlier.ok) return failed(request, lookupFailure(request.jobName, earlier.error));
    const run = earlier.value.get(key);
    const verdict = run && judgeEarlier(run, digest);
    if (verdict?.verdict === 'reused') return { kind: 'reused', request, ...verdict };
    if (verdict?.verdict === 'conflict') {
      return failed(request, idempotencyConflict(request.jobName, key, verdict.jobRunId));
    }
  }
  try {
    // The run's size with the job's own worker type or count, now that GetJob has said them (MAX_DPU).
    checkRunSize(request, argumentPolicy, job.value);
    // What its arguments say pip will do: a job the launcher cannot serve is refused before any token is asked for.
    // A standing job's run reads its standing file (docs/standing-files.md).
    const draft =
      standing?.jobNames.has(request.jobName) === true
        ? draftStanding(job.value, request.arguments, standing.location)
        : draftPlacement(job.value, request.arguments, delivery);
    return { kind: 'eligible', request, job: job.value, draft, digest };
  } catch (error) {
    return failed(request, toLauncherError(error, request.jobName));
  }
}

function logReused(states: readonly JobState[], deps: LaunchDeps) {
  for (const state of states) {
    if (state.kind !== 'reused') continue;
    deps.logger.info('Job run already started by an earlier invocation', {
      jobName: state.request.jobName,
      jobRunId: state.jobRunId,
      idempotencyKey: state.request.idempotencyKey,
    });
  }
}
