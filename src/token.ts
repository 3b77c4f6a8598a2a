import { MAX_TOKEN_SECONDS, MIN_TOKEN_SECONDS, type TokenDurationSetting } from './config';

/** Glue's default run timeout, used when neither the request nor the job sets one. */
export const GLUE_DEFAULT_TIMEOUT_MINUTES = 2880;
/** Covers queueing and start-up, on top of the run itself (auto-scaled workers install modules late). */
export const TOKEN_MARGIN_SECONDS = 900;

export interface TokenNeed {
  /** The request's `timeout`, in minutes. */
  readonly requestTimeout?: number | undefined;
  /** The job's `Timeout`, in minutes, once GetJob has answered. */
  readonly jobTimeout?: number | undefined;
}

const clamp = (value: number) => Math.min(MAX_TOKEN_SECONDS, Math.max(MIN_TOKEN_SECONDS, value));

/** Seconds one run needs its token to live, for `TOKEN_DURATION_SECONDS=auto`. */
export const secondsNeeded = ({ requestTimeout, jobTimeout }: TokenNeed): number =>
  clamp((requestTimeout ?? jobTimeout ?? GLUE_DEFAULT_TIMEOUT_MINUTES) * 60 + TOKEN_MARGIN_SECONDS);

/** One token serves a whole batch, so it is sized for the longest need. */
export const tokenDuration = (setting: TokenDurationSetting, needs: readonly TokenNeed[]): number =>
  setting === 'auto' ? Math.max(MIN_TOKEN_SECONDS, ...needs.map(secondsNeeded)) : setting;

/**
 * Whether the duration is known before GetJob answers: then the token is fetched in parallel with GetJob
 * instead of after it.
 */
export const durationKnownUpfront = (setting: TokenDurationSetting, requestTimeouts: readonly (number | undefined)[]) =>
  setting !== 'auto' || requestTimeouts.every((timeout) => timeout !== undefined);
