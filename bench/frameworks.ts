/**
 * The SDK clients and the frameworks the launcher is built on, each constructed as the launcher constructs it, and
 * none of the launcher's own code: Powertools' Logger with its middy middleware, Powertools' Metrics (each opens
 * `process.stdout` and `process.stderr` for its `Console`), a middy chain of three middlewares. Over
 * bench/sdk-only.ts, what those choices cost a cold start; under the launcher's handler, what its own code costs
 * (docs/adr/0016-the-cold-start-bound-and-the-frameworks.md).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';

export * from './sdk-only';

const logger = new Logger({ serviceName: 'glue-launcher' });
const metrics = new Metrics({ namespace: 'GlueLauncher', serviceName: 'glue-launcher' });

export const handler = middy(async (event: unknown) => event, { timeoutEarlyInMillis: 0 })
  .use({ after: () => metrics.publishStoredMetrics() })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use({ onError: () => logger.error('failed') });
