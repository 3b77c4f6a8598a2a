import { CodeartifactClient } from '@aws-sdk/client-codeartifact';
import { GlueClient } from '@aws-sdk/client-glue';
import { BOUNDED } from './bounds';

/**
 * Created once per container and reused by every invocation (connection reuse saves a TLS handshake per call),
 * bounded (aws/bounds.ts). Endpoints come from the SDK's own AWS_ENDPOINT_URL_GLUE / AWS_ENDPOINT_URL_CODEARTIFACT,
 * which is how tests reach the local stand-in.
 */
export const glueClient = new GlueClient(BOUNDED);
export const codeartifactClient = new CodeartifactClient(BOUNDED);

/**
 * StartJobRun is not idempotent: a retry after a lost answer could start a second run. This client never
 * retries; the launch retries itself, and looks for its own run first when the answer was lost
 * (docs/adr/0003-no-sdk-retries-on-start-job-run.md).
 */
export const glueStartClient = new GlueClient({ ...BOUNDED, maxAttempts: 1 });
