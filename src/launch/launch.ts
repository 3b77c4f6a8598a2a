import { checkAllowed } from '../boundary/allowlist';
import { type ArgumentPolicy, checkArguments, checkRunSize } from '../boundary/argument-policy';
import { mapWithLimit } from '../concurrency';
import {
  idempotencyConflict,
  installerOptionConflict,
  jobOutOfTime,
  launchInProgress,
  startJobRunFailed,
  tokenUnavailable,
  toLauncherError,
} from '../errors';
import { judgeEarlier, lookupHorizon, requestDigest } from '../idempotency/record';
import { checkOwnFile, draftPlacement, placeIndex } from '../pip/placement';
import { MAX_REQUIREMENTS_FILE_BYTES } from '../pip/requirements';
import type { LaunchPlan, LaunchRequest } from '../plan';
import { failureDetail } from '../ports';
import { jobTimeoutMinutes } from '../token/lifetime';
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
import {
  type IndexAccess,
  indexAccess,
  type JobFacts,
  lookupFailure,
  type OwnFiles,
  type RoundTrip,
  readOwnFiles,
  roundTrip,
} from './round-trip';
import { startRun } from './start';

/**
 * A batch starts no job with less time than this left: one start can take a few request timeouts (its own
 * retries and the look for a lost answer), and a job cut off mid-start is worse than one left for a redelivery of
 * the event.
 */
export const START_MARGIN_MS = 15_000;

const UNBOUNDED: InvocationTime = { remainingMs: () => Number.POSITIVE_INFINITY };

/**
 * The use case, top-down (docs/architecture.md): the plan checked before any call; round trip 1 (the jobs, their
 * earlier runs for keyed launches, the endpoint and, when its lifetime is known, the token); each job judged; one
 * token for every ready job; each ready job started once (round trip 2); the outcome. An answer always comes
 * before the function's time is up.
 */
export const launch = async (
  plan: LaunchPlan,
  deps: LaunchDeps,
  time: InvocationTime = UNBOUNDED,
): Promise<LaunchResult> => {
  checkAllowed(plan.requests, deps.settings.allowlist);
  checkArguments(plan.requests, deps.settings.argumentPolicy);
  const startedAt = deps.clock();
  const invocation: Invocation = { plan, time, progress: new Progress(), elapsedMs: () => deps.clock() - startedAt };
  const horizon = (request: LaunchRequest) => lookupHorizon(request, plan.eventTime, startedAt);
  return withinTime(launchAll(invocation, horizon, deps), invocation);
};

const launchAll = async (
  invocation: Invocation,
  horizon: (request: LaunchRequest) => Date,
  deps: LaunchDeps,
): Promise<LaunchResult> => {
  const { plan } = invocation;
  const trip = await roundTrip(plan.requests, horizon, deps, invocation.time.remainingMs());
  const { states, access } = await launchJudged(invocation, trip, deps);
  await recordInLock(plan.requests, trip, states, access, deps);
  return conclude(plan.batch, states, access, deps);
};

/** From round trip 1 to each job's outcome: judged, placed, the token fetched, the ready ones started. */
const launchJudged = async (
  invocation: Invocation,
  trip: RoundTrip,
  deps: LaunchDeps,
): Promise<{ states: Concluded[]; access?: IndexAccess }> => {
  const { plan } = invocation;
  const judged = plan.requests.map((request, at) =>
    judge(request, trip.facts[at] as JobFacts, deps.delivery, deps.settings.argumentPolicy),
  );
  logReused(judged, deps);
  const eligible = judged.filter((state): state is Eligible => state.kind === 'eligible');
  for (const { job } of eligible) deps.jobTimeouts.set(job.name, jobTimeoutMinutes(job));
  const settled = judged.filter((state): state is Concluded => state.kind !== 'eligible');
  if (eligible.length === 0) return { states: settled };

  // Jobs' own requirements files and the token, at once: each job is placed before anything is started.
  const [ownFiles, got] = await Promise.all([readOwnFiles(eligible, deps), indexAccess(eligible, trip, deps)]);
  const placed = judged.map((state) => (state.kind === 'eligible' ? place(state, ownFiles) : state));
  if (!got.ok) {
    const refused = placed.map((state) =>
      state.kind === 'ready' ? failed(state.request, got.refusal(state.request.jobName)) : state,
    );
    return { states: refused };
  }
  deps.logger.debug('Authorization token ready', {
    indexHost: got.access.host,
    tokenExpiresAt: got.access.expiresAt.toISOString(),
  });
  // Round trip 2: the starts, bounded so that a batch does not trip Glue's rate limit.
  const started = await mapWithLimit(
    placed,
    deps.settings.maxParallelStarts,
    async (state): Promise<Concluded> =>
      state.kind === 'ready'
        ? startInTime(state, invocation, () => startRun(state, got.access, invocation, deps))
        : state,
  );
  return { states: started, access: got.access };
};

/**
 * With the optional lock: each key this invocation took records how its launch ended. A run (started now, or
 * found in Glue's run list) completes the record, for later deliveries to reuse; a launch that certainly started
 * nothing frees the key; one that may have started keeps it until its hold ends, so that the next delivery looks
 * in Glue's run list after it. A record that cannot be written is logged: Glue's run list still has the run.
 */
const recordInLock = async (
  requests: readonly LaunchRequest[],
  trip: RoundTrip,
  states: readonly Concluded[],
  access: IndexAccess | undefined,
  deps: LaunchDeps,
): Promise<void> => {
  const { lock } = deps;
  if (lock === undefined) return;
  await Promise.all(
    requests.map(async (request, at) => {
      const key = request.idempotencyKey;
      const held = key === undefined ? undefined : trip.facts[at]?.locks.get(key);
      const state = states[at] as Concluded;
      if (key === undefined || !held?.ok || held.value.kind !== 'acquired') return;
      const digest = requestDigest(request);
      try {
        if (state.kind === 'started' || state.kind === 'reused') {
          // A reused run's token is the one it recorded; a started one's, this invocation's.
          const tokenExpiresAt = state.kind === 'started' ? access?.expiresAt.toISOString() : state.tokenExpiresAt;
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
};

const defined = <T extends Record<string, unknown>>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

/**
 * One request, judged from what round trip 1 brought, before any token exists: its job is not found, it was
 * already started by an earlier delivery of this launch (or its key was used for another request), its pip cannot
 * be given the launcher's index alone, or it is ready to start.
 */
export const judge = (
  request: LaunchRequest,
  { job, earlier, locks }: JobFacts,
  delivery: LaunchDeps['delivery'],
  policy: ArgumentPolicy,
): JobState => {
  if (!job.ok) return failed(request, lookupFailure(request.jobName, job.error));
  const digest = requestDigest(request);
  const key = request.idempotencyKey;
  const held = key === undefined ? undefined : locks.get(key);
  if (key !== undefined && held !== undefined) {
    if (!held.ok) return failed(request, lockFailure(request.jobName, held.error));
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
    checkRunSize(request, policy, job.value);
    const draft = draftPlacement(job.value, request.arguments, delivery);
    return { kind: 'eligible', request, job: job.value, draft, digest };
  } catch (error) {
    return failed(request, toLauncherError(error, request.jobName));
  }
};

/**
 * An eligible job placed, once its own requirements file (when it has one) was read: ready, or refused for what the
 * file holds, or because S3 would not give it.
 */
const place = ({ request, job, draft, digest }: Eligible, ownFiles: OwnFiles): Ready | Concluded => {
  const { jobName } = request;
  try {
    const uri = draft.ownFile;
    const read = uri === undefined ? undefined : ownFiles.get(uri);
    if (uri !== undefined && read !== undefined && !read.ok) {
      const detail = failureDetail(read.error);
      const key = /kms:/i.test(detail) ? ', and decrypt with its KMS key (JobRequirementsKmsKeyArns)' : '';
      const why = `its own requirements file ${uri} is missing or not readable (${detail}); check that it exists and that the launcher may read its bucket (JobRequirementsBuckets)${key}`;
      return failed(request, tokenUnavailable(jobName, why));
    }
    if (read?.ok && 'tooLarge' in read.value) {
      const why = `its requirements file ${uri} is larger than ${MAX_REQUIREMENTS_FILE_BYTES / 1024} KiB, which the launcher does not read; split it or shorten it`;
      return failed(request, installerOptionConflict(jobName, why));
    }
    const own = read?.ok && 'bytes' in read.value ? checkOwnFile(jobName, uri as string, read.value.bytes) : undefined;
    return { kind: 'ready', request, job, placement: placeIndex(draft, own), digest };
  } catch (error) {
    return failed(request, toLauncherError(error, jobName));
  }
};

/** The lock could not be taken: an earlier start cannot be ruled out, so nothing is started. */
const lockFailure = (jobName: string, error: unknown) =>
  startJobRunFailed(
    jobName,
    `the launch lock (IDEMPOTENCY_TABLE) could not be taken (${failureDetail(error)}), so an earlier start of this launch could not be ruled out`,
  );

const logReused = (states: readonly JobState[], deps: LaunchDeps) => {
  for (const state of states) {
    if (state.kind !== 'reused') continue;
    deps.logger.info('Job run already started by an earlier delivery', {
      jobName: state.request.jobName,
      jobRunId: state.jobRunId,
      idempotencyKey: state.request.idempotencyKey,
    });
  }
};

/** A batch leaves a job for a redelivery of the event rather than start it with too little time left. */
const startInTime = async (
  state: Ready,
  invocation: Invocation,
  start: () => Promise<Concluded>,
): Promise<Concluded> => {
  const left = invocation.time.remainingMs();
  if (invocation.plan.batch && left < START_MARGIN_MS) {
    const why = `only ${left} ms of the function's time were left; a redelivery of the event will start it`;
    return failed(state.request, jobOutOfTime(state.request.jobName, why));
  }
  return start();
};
