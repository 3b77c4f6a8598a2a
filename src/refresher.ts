import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { codeartifactClient, glueClient, glueStartClient } from './aws/clients';
import { CodeArtifactRepository } from './aws/codeartifact';
import { GlueJobService } from './aws/glue';
import { S3RequirementsStore } from './aws/requirements-store';
import { isLauncherError, refreshFailedUnexpectedly } from './errors';
import { initContainer, nameAndLogFailure } from './init';
import { loadRefresherConfig, type RefresherConfig } from './input/config';
import { parseRefreshEvent } from './input/events';
import { RefreshInvocationMetrics } from './observability';
import type { RequirementsStore } from './ports';
import { type RefreshDeps, type RefreshResult, refresh } from './standing/refresh';
import { cachedEndpoint } from './token/access';

/**
 * The composition root of the standing refresher's container (docs/standing-files.md): its configuration read and
 * checked once, the adapters over the module-scope SDK clients, the middy chain. `handler-standing.ts` makes one at
 * init; tests make one per simulated container.
 */

/** Jobs refreshed at once: each is three calls (GetJob, GetObject, PutObject), well under Glue's and S3's rates. */
export const REFRESH_PARALLEL = 10;

export interface RefresherOptions {
  /** Tests pass the S3 adapter over their own client. */
  readonly requirementsStore?: RequirementsStore;
}

function wire(
  config: RefresherConfig,
  logger: Logger,
  metrics: RefreshInvocationMetrics,
  options: RefresherOptions,
): RefreshDeps {
  const repository = new CodeArtifactRepository(codeartifactClient, config);
  return {
    jobs: new GlueJobService(glueClient, glueStartClient),
    repository,
    endpoint: cachedEndpoint(repository),
    files: options.requirementsStore ?? new S3RequirementsStore(),
    config,
    parallel: REFRESH_PARALLEL,
    logger,
    metrics,
    clock: Date.now,
  };
}

/** One refresher container: configuration read and checked now, once; a handler for each of its invocations. */
export function createRefresher(env: NodeJS.ProcessEnv, options: RefresherOptions = {}) {
  const { serviceName, logger, state } = initContainer(env, loadRefresherConfig);
  const metrics = RefreshInvocationMetrics.create(env, serviceName);
  const container = state.ok
    ? { ok: true as const, config: state.config, deps: wire(state.config, logger, metrics, options) }
    : state;

  const refreshFromEvent = async (event: unknown): Promise<RefreshResult> => {
    if (!container.ok) throw container.error;
    const jobNames = parseRefreshEvent(event, container.config.standing.jobNames);
    logger.debug('Refresh requested', { jobs: jobNames });
    return refresh(jobNames, container.deps);
  };

  return middy(refreshFromEvent, { timeoutEarlyInMillis: 0 })
    .use(metrics.middleware())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(
      nameAndLogFailure(logger, 'Refresh failed', (error) =>
        isLauncherError(error) ? error : refreshFailedUnexpectedly(error),
      ),
    );
}
