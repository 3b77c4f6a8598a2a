import { batchFailed, type FailedJob, type LauncherErrorName, reworded } from '../errors';
import { redact } from '../token/redact';
import type { Concluded, LaunchDeps } from './model';
import type { IndexAccess } from './round-trip';

/** One run as the caller sees it: started now, or reused (started by an earlier delivery of the same launch). */
export interface RunResult {
  readonly jobName: string;
  readonly jobRunId: string;
  /** How the run got its token: in its arguments, or in a requirements file. Absent on runs that did not record it. */
  readonly tokenDelivery?: string;
  /** The run was started by an earlier delivery of the same launch; nothing was started now. */
  readonly reused?: true;
}

/** One job of a batch that failed, as the caller sees it. */
export interface FailedResult {
  readonly jobName: string;
  readonly error: { readonly name: LauncherErrorName; readonly message: string };
}

/**
 * What the caller gets (the public JSON, docs/results-and-errors.md): one request's run with its token's expiry, or a
 * batch's runs with the earliest expiry among their tokens. `tokenExpiresAt` is absent only for a reused run that
 * did not record it.
 */
export type LaunchResult =
  | (RunResult & { readonly tokenExpiresAt?: string })
  | { readonly runs: ReadonlyArray<RunResult | FailedResult>; readonly tokenExpiresAt?: string };

/**
 * Every job's outcome, counted for the metrics, then made into what the caller sees. One request: its run, or its
 * error thrown. A batch: every run, or, when any job failed, one error naming each failed job and each started one.
 * Messages are scrubbed of the token, known only here, and of any URL's password.
 */
export const conclude = (
  batch: boolean,
  states: readonly Concluded[],
  access: IndexAccess | undefined,
  deps: Pick<LaunchDeps, 'metrics'>,
): LaunchResult => {
  deps.metrics.runsStarted(states.filter((state) => state.kind === 'started').length);
  deps.metrics.runsReused(states.filter((state) => state.kind === 'reused').length);
  const failures: FailedJob[] = [];
  const expiries: string[] = [];
  const runs = states.map((state): RunResult | FailedResult => {
    const { jobName } = state.request;
    if (state.kind === 'reused') {
      if (state.tokenExpiresAt !== undefined) expiries.push(state.tokenExpiresAt);
      const delivery = state.tokenDelivery === undefined ? {} : { tokenDelivery: state.tokenDelivery };
      return { jobName, jobRunId: state.jobRunId, ...delivery, reused: true };
    }
    if (state.kind === 'started') {
      if (access) expiries.push(access.expiresAt.toISOString());
      return { jobName, jobRunId: state.jobRunId, tokenDelivery: state.tokenDelivery };
    }
    // Never a secret, not even in the stack Lambda reports: the token and any URL's password.
    const error = reworded(state.error, (message) => redact(message, access?.token));
    failures.push({ jobName, error });
    return { jobName, error: { name: error.name, message: error.message } };
  });
  const tokenExpiresAt = expiries.sort()[0];
  const expiry = tokenExpiresAt === undefined ? {} : { tokenExpiresAt };
  if (!batch) {
    if (failures[0]) throw failures[0].error;
    return { ...(runs[0] as RunResult), ...expiry };
  }
  if (failures.length > 0) {
    const started = runs.filter((run): run is RunResult => 'jobRunId' in run);
    throw batchFailed(runs.length, failures, started);
  }
  return { runs, ...expiry };
};
