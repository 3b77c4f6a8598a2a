import { CodeartifactClient } from '@aws-sdk/client-codeartifact';
import { GlueClient } from '@aws-sdk/client-glue';

/**
 * Created once per container and reused by every invocation (connection reuse saves a TLS handshake per call).
 * Bounded: a hung endpoint must fail the call, not eat the function's whole timeout. Endpoints come from the
 * SDK's own AWS_ENDPOINT_URL_GLUE / AWS_ENDPOINT_URL_CODEARTIFACT, which is how tests reach the local stand-in.
 */
const bounded = {
  maxAttempts: 3,
  retryMode: 'standard',
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;

export const glueClient = new GlueClient(bounded);
export const codeartifactClient = new CodeartifactClient(bounded);
