import { batchFailed, type FailedJob, reworded } from '../errors';
import type { IndexAccess } from '../token/access';
import { redact } from '../token/redact';
import type { Concluded, LaunchDeps } from './model';

/** One run as the caller sees it: started now, or reused (started by an earlier invocation of the same launch). */
export interface RunResult {
  readonly jobName: string;
  readonly jobRunId: string;
  /** How the run got its token: in its arguments, or in a requirements file. Absent on runs that did not record it. */
  readonly tokenDelivery?: string;
  /** The run was started by an earlier invocation of the same launch; nothing was started now. */
  readonly reused?: true;
}

/**
 * What the caller gets (the public JSON, docs/results-and-errors.md): one request's run with its token's expiry, or a
 * batch's runs with the earliest expiry among their tokens. `tokenExpiresAt` is absent only for a reused run that
 * did not record it.
 */
export type LaunchResult =
  | (RunResult & { readonly tokenExpiresAt?: string })
  | { readonly runs: readonly RunResult[]; readonly tokenExpiresAt?: string };

/**
 * Every job's outcome, counted for the metrics, then made into what the caller sees. One request: its run, or its
 * error thrown. A batch: every run, or, when any job failed, one error naming each failed job and each started one.
 * Messages are scrubbed of the token, known only here, and of any URL's password.
 */
export function conclude(
  batch: boolean,
  states: readonly Concluded[],
  access: IndexAccess | undefined,
  deps: Pick<LaunchDeps, 'metrics'>,
): LaunchResult {
  deps.metrics.runsStarted(states.filter((state) => state.kind === 'started').length);
  deps.metrics.runsReused(states.filter((state) => state.kind === 'reused').length);
  const failures: FailedJob[] = [];
  const runs: RunResult[] = [];
  const expiries: string[] = [];
  for (const state of states) {
    const { jobName } = state.request;
    if (state.kind === 'failed') {
      // Never a secret, not even in the stack Lambda reports: the token and any URL's password.
      failures.push({ jobName, error: reworded(state.error, (message) => redact(message, access?.token)) });
    } else if (state.kind === 'reused') {
      expiries.push(...defined(state.tokenExpiresAt));
      runs.push({ jobName, jobRunId: state.jobRunId, ...delivery(state.tokenDelivery), reused: true });
    } else {
      expiries.push(state.tokenExpiresAt);
      runs.push({ jobName, jobRunId: state.jobRunId, tokenDelivery: state.tokenDelivery });
    }
  }
  // ISO 8601 times in UTC sort as text: the first is the earliest.
  const [earliest] = expiries.sort();
  const expiry = earliest === undefined ? {} : { tokenExpiresAt: earliest };
  if (!batch) {
    if (failures[0]) throw failures[0].error;
    return { ...(runs[0] as RunResult), ...expiry };
  }
  if (failures.length > 0) throw batchFailed(states.length, failures, runs);
  return { runs, ...expiry };
}

function defined(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}
function delivery(tokenDelivery: string | undefined) {
  return tokenDelivery === undefined ? {} : { tokenDelivery };
}
