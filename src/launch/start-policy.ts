import { CLOCK_SKEW_MS } from '../domain/idempotency';
import { LauncherError } from '../errors';
import { type FailureKind, isServiceFailure, type JobRunStart, type ServiceFailure } from '../ports';
import { earlierRuns } from './earlier-runs';
import { lookupFailure, refusedStart, unexpected } from './failures';
import type { Invocation, LaunchDeps } from './types';

export const MAX_START_ATTEMPTS = 4;

/**
 * What a failed StartJobRun means for the run (docs/adr/0003-no-sdk-retries-on-start-job-run.md). Throttled: Glue
 * refused it, safe to try again. Ambiguous: no answer, a server error, or a success answer that could not be read
 * (cut off, or without a run id), so the run may have started. Definite: Glue said no.
 */
export type StartVerdict = 'throttled' | 'ambiguous' | 'definite';

const AMBIGUOUS: ReadonlySet<FailureKind> = new Set(['no-answer', 'server-error', 'unreadable']);
/** Enough to hold a run started seconds ago, among a job's newest. */
const LOST_ANSWER_PAGE = 25;

export const verdictOf = (kind: FailureKind): StartVerdict =>
  kind === 'throttled' ? 'throttled' : AMBIGUOUS.has(kind) ? 'ambiguous' : 'definite';

/** Exponential backoff with full jitter, as the SDK's standard mode does: 250 ms, 500 ms, 1 s, ... at most 4 s. */
export const jitteredBackoff = (attempt: number): number => Math.random() * Math.min(4_000, 250 * 2 ** (attempt - 1));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Only seen by a launch that outlived its answer: the caller was already told OutOfTime.
const outOfTime = (jobName: string) =>
  new LauncherError('OutOfTime', `Job ${jobName} was not started: the function's time ran out.`);

/**
 * Starts one run, at most once. A throttled start is tried again after a backoff; after an ambiguous answer a
 * keyed start looks for its own run before trying again (a run carries its key), and an unkeyed one gives up
 * saying the run may have started. Resolves to the run id.
 */
export const startOnce = async (
  run: JobRunStart,
  key: string | undefined,
  { progress }: Invocation,
  deps: LaunchDeps,
): Promise<string> => {
  for (let attempt = 1; ; attempt += 1) {
    if (progress.timeIsUp) throw outOfTime(run.jobName);
    let failure: ServiceFailure;
    const sentAt = deps.clock();
    progress.sending(run.jobName);
    try {
      return await deps.jobs.startJobRun(run);
    } catch (error) {
      if (!isServiceFailure(error)) throw unexpected(run.jobName, error);
      failure = error;
    }
    const verdict = verdictOf(failure.kind);
    if (verdict === 'definite') throw refusedStart(run.jobName, failure);
    if (verdict === 'ambiguous') {
      if (key === undefined) {
        throw new LauncherError(
          'StartJobRunFailed',
          `Job ${run.jobName} may or may not have started: StartJobRun failed with ${failure.detail}, and without an idempotency key the launcher cannot tell, so it did not try again.`,
        );
      }
      // Seconds after the start: the run, if it landed, is among the newest.
      const since = new Date(sentAt - CLOCK_SKEW_MS);
      const landed = await earlierRuns(deps.jobs, run.jobName, new Set([key]), since, LOST_ANSWER_PAGE).catch(
        (error: unknown) => {
          throw lookupFailure(run.jobName, error);
        },
      );
      const own = landed.get(key);
      if (own) return own.id;
    }
    if (attempt >= MAX_START_ATTEMPTS) throw refusedStart(run.jobName, failure);
    await sleep(deps.backoffMs(attempt));
  }
};
