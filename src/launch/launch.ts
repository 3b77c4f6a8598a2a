import { checkAllowed } from '../domain/allowlist';
import { checkArguments } from '../domain/argument-policy';
import { lookupHorizon } from '../domain/idempotency';
import { mapWithLimit } from '../domain/parallel';
import type { LaunchPlan } from '../domain/plan';
import { jobTimeoutMinutes } from '../domain/token';
import { LauncherError } from '../errors';
import { type IndexAccess, indexAccess } from './access';
import { assess } from './assess';
import { conclude } from './conclude';
import { Progress, withinTime } from './deadline';
import { beginRoundTrip } from './round-trip';
import { startRun } from './start-run';
import type { Invocation, InvocationTime, JobState, LaunchDeps, LaunchResult, Ready } from './types';

/**
 * A batch starts no job with less time than this left: one start can take a few request timeouts (its own
 * retries and the look for a lost answer), and a job cut off mid-start is worse than one left for a redelivery.
 */
export const START_MARGIN_MS = 15_000;

const UNBOUNDED: InvocationTime = { remainingMs: () => Number.POSITIVE_INFINITY };

/**
 * The use case (docs/architecture.md): the plan checked before any call, then one token for all of it, each job's
 * arguments pointed at the fresh index URL, each job started once, and an answer before the function's time is up.
 * Round trip 1 reads the jobs (and, for keyed launches, their earlier runs), the endpoint and, when its lifetime is
 * known, the token; round trip 2 starts the runs.
 */
export const launch = async (
  plan: LaunchPlan,
  deps: LaunchDeps,
  time: InvocationTime = UNBOUNDED,
): Promise<LaunchResult> => {
  checkAllowed(plan.requests, deps.settings.allowlist);
  checkArguments(plan.requests, deps.settings.argumentPolicy);
  const startedAt = deps.clock();
  const invocation = { plan, time, progress: new Progress(), elapsedMs: () => deps.clock() - startedAt };
  return withinTime(
    launchAll(invocation, lookupHorizon(plan.eventTime, startedAt), deps),
    time,
    plan,
    invocation.progress,
  );
};

const launchAll = async (invocation: Invocation, horizon: Date, deps: LaunchDeps): Promise<LaunchResult> => {
  const { plan } = invocation;
  const trip = beginRoundTrip(plan.requests, horizon, deps);
  const assessed = await Promise.all(trip.facts.map((facts) => assess(facts, deps.settings)));
  logReused(assessed, deps);
  const ready = assessed.filter((state): state is Ready => state.kind === 'ready');
  for (const { job } of ready) deps.jobTimeouts.set(job.name, jobTimeoutMinutes(job));
  if (ready.length === 0) return counted(plan.batch, assessed, undefined, deps);

  const access = await indexAccess(ready, trip, deps);
  if (!access.ok) {
    return counted(
      plan.batch,
      assessed.map((state) => tokenless(state, access.reason)),
      undefined,
      deps,
    );
  }
  deps.logger.debug('Authorization token ready', {
    indexHost: access.value.host,
    tokenExpiresAt: access.value.expiresAt.toISOString(),
  });
  // Round trip 2: the starts, bounded so that a batch does not trip Glue's rate limit.
  const started = await mapWithLimit(
    assessed,
    deps.settings.maxParallelStarts,
    async (state): Promise<JobState> =>
      state.kind === 'ready' ? startInTime(state, access.value, invocation, deps) : state,
  );
  return counted(plan.batch, started, access.value, deps);
};

/** Every job's outcome counted for the metrics, then concluded into the caller's result or error. */
const counted = (
  batch: boolean,
  states: readonly JobState[],
  access: IndexAccess | undefined,
  deps: LaunchDeps,
): LaunchResult => {
  deps.metrics.runsStarted(states.filter((state) => state.kind === 'started').length);
  deps.metrics.runsReused(states.filter((state) => state.kind === 'reused').length);
  return conclude(batch, states, access);
};

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

const tokenless = (state: JobState, reason: string): JobState =>
  state.kind === 'ready'
    ? {
        kind: 'failed',
        request: state.request,
        error: new LauncherError('TokenUnavailable', `Job ${state.request.jobName} was not started: ${reason}.`),
      }
    : state;

const startInTime = async (
  state: Ready,
  access: IndexAccess,
  invocation: Invocation,
  deps: LaunchDeps,
): Promise<JobState> => {
  const left = invocation.time.remainingMs();
  if (invocation.plan.batch && left < START_MARGIN_MS) {
    const message = `Job ${state.request.jobName} was not started: only ${left} ms of the function's time were left; a redelivery of the event will start it.`;
    return { kind: 'failed', request: state.request, error: new LauncherError('OutOfTime', message) };
  }
  return startRun(state, access, invocation, deps);
};
