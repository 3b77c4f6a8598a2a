/**
 * How long any one SDK call may take, for every client the launcher makes: a hung endpoint fails its call within
 * seconds instead of eating the function's timeout, and the standard retry mode retries throttling and transient
 * errors at most twice. A module of its own, so that each client's bundle takes these without the others' clients.
 */
export const CONNECTION_TIMEOUT_MS = 1_000;
export const REQUEST_TIMEOUT_MS = 3_000;
export const MAX_ATTEMPTS = 3;

export const BOUNDED = {
  maxAttempts: MAX_ATTEMPTS,
  retryMode: 'standard',
  requestHandler: {
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  },
} as const;

/**
 * The most one S3 read may take, body included: the request timeout above resets at every byte, so a body that
 * trickles in could otherwise hold a launch until the function's own deadline.
 */
export const READ_DEADLINE_MS = 5_000;
