import type { Arguments } from './arguments';
import type { LaunchRequest } from './plan';

/**
 * Glue itself is the record of what was launched (docs/adr/0001-glue-run-list-as-idempotency-record.md): each run
 * carries its launch's key, and the expiry of the token it got, so that a redelivered event finds the run it
 * already started instead of starting another.
 */
export const IDEMPOTENCY_ARGUMENT = '--launch-idempotency-key';
export const TOKEN_EXPIRY_ARGUMENT = '--launch-token-expires-at';
/** Set by the launcher only: a request may not forge them. */
export const LAUNCHER_ARGUMENTS: readonly string[] = [IDEMPOTENCY_ARGUMENT, TOKEN_EXPIRY_ARGUMENT];

/** A run as GetJobRuns lists it (newest first). */
export interface RecentRun {
  readonly id: string;
  readonly arguments: Arguments;
}

export interface EarlierLaunch {
  readonly jobRunId: string;
  readonly tokenExpiresAt: string | undefined;
}

/** The newest run that carries this launch's key, if any. */
export const findLaunch = (runs: readonly RecentRun[], key: string): EarlierLaunch | undefined => {
  const run = runs.find((r) => r.arguments[IDEMPOTENCY_ARGUMENT] === key);
  return run && { jobRunId: run.id, tokenExpiresAt: run.arguments[TOKEN_EXPIRY_ARGUMENT] };
};

/** The launcher's own arguments for a run. */
export const launchArguments = (key: string | undefined, tokenExpiresAt: Date): Record<string, string> => ({
  ...(key === undefined ? {} : { [IDEMPOTENCY_ARGUMENT]: key }),
  [TOKEN_EXPIRY_ARGUMENT]: tokenExpiresAt.toISOString(),
});

/** GetJobRuns' largest page. */
export const MAX_RUNS_PAGE = 200;
/** Enough for a redelivery an hour later of a job that other callers also start now and then. */
const MIN_RUNS_SEARCHED = 25;

/**
 * How far back to look for `launches` keyed launches of one job: every one of them could have started, plus
 * room for other runs in between. A smaller page keeps the warm path light (a page of 200 runs, each with its
 * arguments, is a large answer to parse); a batch of 100 launches of one job still sees every one of them.
 */
export const runsToSearch = (launches: number): number =>
  Math.min(MAX_RUNS_PAGE, Math.max(MIN_RUNS_SEARCHED, 2 * launches));

/** Each job name of the plan, once, with how many of its launches carry a key (0: no lookup needed). */
export const keyedLaunchesPerJob = (requests: readonly LaunchRequest[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const { jobName, idempotencyKey } of requests) {
    counts.set(jobName, (counts.get(jobName) ?? 0) + (idempotencyKey === undefined ? 0 : 1));
  }
  return counts;
};
