import { CodeartifactClient } from '@aws-sdk/client-codeartifact';
import { GlueClient } from '@aws-sdk/client-glue';

/**
 * Created once per container and reused by every invocation (connection reuse saves a TLS handshake per call).
 * Bounded: a hung endpoint fails its call within seconds instead of eating the function's timeout, and the
 * standard retry mode retries throttling and transient errors at most twice. Endpoints come from the SDK's own
 * AWS_ENDPOINT_URL_GLUE / AWS_ENDPOINT_URL_CODEARTIFACT, which is how tests reach the local stand-in.
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

export const glueClient = new GlueClient(BOUNDED);
export const codeartifactClient = new CodeartifactClient(BOUNDED);

/**
 * StartJobRun is not idempotent: a retry after a lost answer could start a second run. This client never
 * retries; GlueJobService retries itself, and looks for its own run first when the answer was lost.
 */
export const glueStartClient = new GlueClient({ ...BOUNDED, maxAttempts: 1 });
