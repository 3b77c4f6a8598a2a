/** What CodeArtifact accepts for `durationSeconds` (besides 0, which the launcher refuses: docs/adr/0005-one-token-per-invocation.md). */
export const MIN_TOKEN_SECONDS = 900;
export const MAX_TOKEN_SECONDS = 43_200;

/** `TOKEN_DURATION_SECONDS`: sized per launch, or fixed. */
export type TokenDurationChoice = 'auto' | number;

/**
 * Glue's default run timeout when neither the request nor the job sets one: 2,880 minutes for Glue 4.0 and earlier,
 * 480 for Glue 5.0 and later (StartJobRun's `Timeout`, Glue API reference and botocore's Glue model).
 */
export const LEGACY_DEFAULT_TIMEOUT_MINUTES = 2880;
export const GLUE_5_DEFAULT_TIMEOUT_MINUTES = 480;
/** Glue refuses a run timeout of 7 days (10,080 minutes) or more. */
export const MAX_RUN_TIMEOUT_MINUTES = 10_079;

export function defaultTimeoutMinutes(glueVersion: string | undefined): number {
  return Number.parseFloat(glueVersion ?? '') >= 5 ? GLUE_5_DEFAULT_TIMEOUT_MINUTES : LEGACY_DEFAULT_TIMEOUT_MINUTES;
}

/** How long a run of this job may last when the request does not say: its `Timeout`, else its version's default. */
export function jobTimeoutMinutes(job: {
  readonly timeout?: number | undefined;
  readonly glueVersion?: string | undefined;
}) {
  return job.timeout ?? defaultTimeoutMinutes(job.glueVersion);
}
/** Covers queueing and start-up, on top of the run itself (auto-scaled workers install modules late). */
export const TOKEN_MARGIN_SECONDS = 900;

export interface TokenNeed {
  /** The request's `timeout`, in minutes. */
  readonly requestTimeout?: number | undefined;
  /** The job's run timeout, in minutes (`jobTimeoutMinutes`), once GetJob has answered or as last seen. */
  readonly jobTimeout?: number | undefined;
  /**
   * A standing job's run: the token may be written into its standing file, which every run of the job started
   * anywhere reads until the next refresh, so it is asked for as long as the refresher's (docs/standing-files.md).
   */
  readonly standing?: boolean | undefined;
}

function clamp(value: number) {
  return Math.min(MAX_TOKEN_SECONDS, Math.max(MIN_TOKEN_SECONDS, value));
}

/** Seconds one run needs its token to live, for `TOKEN_DURATION_SECONDS=auto`. */
export function secondsNeeded({ requestTimeout, jobTimeout, standing }: TokenNeed): number {
  if (standing) return MAX_TOKEN_SECONDS;
  return clamp((requestTimeout ?? jobTimeout ?? LEGACY_DEFAULT_TIMEOUT_MINUTES) * 60 + TOKEN_MARGIN_SECONDS);
}

/** One token serves a whole invocation, so it is sized for the longest need (docs/adr/0005-one-token-per-invocation.md). */
export function tokenDuration(choice: TokenDurationChoice, needs: readonly TokenNeed[]): number {
  return choice === 'auto' ? Math.max(MIN_TOKEN_SECONDS, ...needs.map(secondsNeeded)) : choice;
}

/**
 * The lifetime to ask for before GetJob answers, when it can be known then: a fixed lifetime, or every run's
 * timeout known (the request's own, or the job's `Timeout` as this container last saw it). Then the token is
 * fetched in parallel with GetJob instead of after it; `undefined` otherwise.
 */
export function upfrontDuration(choice: TokenDurationChoice, needs: readonly TokenNeed[]): number | undefined {
  if (choice !== 'auto') return choice;
  const known = needs.every(
    (need) => need.standing || need.requestTimeout !== undefined || need.jobTimeout !== undefined,
  );
  return known ? tokenDuration('auto', needs) : undefined;
}
