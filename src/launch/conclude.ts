import { redact } from '../domain/redact';
import { type LauncherError, LauncherError as NamedError } from '../errors';
import type { IndexAccess } from './access';
import { unexpected } from './failures';
import type { FailedRun, JobState, LaunchResult, RunOutcome, StartedRun } from './types';

/** The error a caller sees: always a named one, never carrying a secret, not even in its stack. */
const sanitize = (error: unknown, jobName: string, token: string | undefined): LauncherError => {
  const named = unexpected(jobName, error);
  named.message = redact(named.message, token);
  named.stack = named.stack === undefined ? undefined : redact(named.stack, token);
  return named;
};

const batchFailure = (runs: readonly RunOutcome[]): LauncherError => {
  const failed = runs.filter((run): run is FailedRun => 'error' in run);
  const started = runs.filter((run): run is StartedRun => 'jobRunId' in run);
  const names = new Set(failed.map((run) => run.error.name));
  // One shared cause keeps its name, so that a Step Functions Retry on it still matches.
  const name = names.size === 1 ? (failed[0] as FailedRun).error.name : 'StartJobRunFailed';
  const startedText =
    started.length > 0 ? ` Started: ${started.map((run) => `${run.jobName} (${run.jobRunId})`).join(', ')}.` : '';
  const causes = failed.map((run) => `${run.jobName} (${run.error.name}: ${run.error.message.replace(/\.$/, '')})`);
  return new NamedError(
    name,
    `${failed.length} of ${runs.length} jobs were not started: ${causes.join('; ')}.${startedText}`,
  );
};

/**
 * Every job's outcome, as the caller sees it. One request: its run, or its error thrown. A batch: every run, or,
 * when any job failed, one error naming each failed job and each started one. Messages are scrubbed of the token,
 * known only here, and of any URL's password.
 */
export const conclude = (
  batch: boolean,
  states: readonly JobState[],
  access: IndexAccess | undefined,
): LaunchResult => {
  const token = access?.token;
  const errors: LauncherError[] = [];
  const expiries: string[] = [];
  const runs = states.map((state): RunOutcome => {
    const { jobName } = state.request;
    if (state.kind === 'reused') {
      if (state.tokenExpiresAt !== undefined) expiries.push(state.tokenExpiresAt);
      const delivery = state.tokenDelivery === undefined ? {} : { tokenDelivery: state.tokenDelivery };
      return { jobName, jobRunId: state.jobRunId, ...delivery, reused: true };
    }
    if (state.kind === 'started' && access) {
      expiries.push(access.expiresAt.toISOString());
      return { jobName, jobRunId: state.jobRunId, tokenDelivery: state.tokenDelivery };
    }
    const error = sanitize(state.kind === 'failed' ? state.error : undefined, jobName, token);
    errors.push(error);
    return { jobName, error: { name: error.name, message: error.message } };
  });
  const tokenExpiresAt = expiries.sort()[0];
  if (!batch) {
    if (errors[0]) throw errors[0];
    return { ...(runs[0] as StartedRun), ...(tokenExpiresAt === undefined ? {} : { tokenExpiresAt }) };
  }
  if (errors.length > 0) throw batchFailure(runs);
  return tokenExpiresAt === undefined ? { runs } : { runs, tokenExpiresAt };
};
