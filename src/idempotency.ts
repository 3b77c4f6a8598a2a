import type { Arguments } from './arguments';

/**
 * Glue itself is the record of what was launched: each run carries its launch's key (and the expiry of the
 * token it got), so that a redelivered event finds the run it already started instead of starting another.
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
