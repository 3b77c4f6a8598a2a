import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { codeartifactClient, glueClient, glueStartClient } from './aws/clients';
import { CodeArtifactRepository } from './aws/codeartifact';
import { GlueJobService } from './aws/glue';
import { redact } from './domain/redact';
import { describeCause, isLauncherError, LauncherError } from './errors';
import { type Config, loadConfigState } from './input/config';
import { parseEvent } from './input/events';
import { cachedEndpoint } from './launch/access';
import { launch } from './launch/launch';
import { jitteredBackoff } from './launch/start-policy';
import type { LaunchDeps, LaunchResult } from './launch/types';

/**
 * Every failure leaves named (docs/adr/0006-one-closed-set-of-error-names.md): a bug that escaped the launch is
 * still StartJobRunFailed, scrubbed of any URL password, rather than a TypeError.
 */
export const named = (error: unknown): LauncherError =>
  isLauncherError(error)
    ? error
    : new LauncherError(
        'StartJobRunFailed',
        redact(`The launch failed unexpectedly: ${describeCause(error)}.`, undefined),
      );

/** Logs the one-sentence reason once; Lambda then reports the error's `name` as its errorType. */
const logFailure = (logger: Logger): middy.MiddlewareObj => ({
  onError: (request) => {
    const error = named(request.error);
    request.error = error;
    logger.error('Launch failed', { errorName: error.name, errorMessage: error.message });
  },
});

/** The launch's dependencies for one container, over the module-scope SDK clients. */
const wire = (config: Config, logger: Logger): LaunchDeps => {
  const repository = new CodeArtifactRepository(codeartifactClient, config);
  return {
    jobs: new GlueJobService(glueClient, glueStartClient),
    repository,
    endpoint: cachedEndpoint(repository),
    settings: config,
    logger,
    jobTimeouts: new Map(),
    clock: Date.now,
    backoffMs: jitteredBackoff,
  };
};

/**
 * The composition root of one container: configuration read and checked now, once, and the adapters over the
 * module-scope SDK clients. `handler.ts` calls it at init with `process.env`; tests call it for a fresh container.
 */
export const createLauncher = (env: NodeJS.ProcessEnv) => {
  const logger = new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'glue-launcher',
    logLevel: env.POWERTOOLS_LOG_LEVEL as never,
  });
  const state = loadConfigState(env);
  if (!state.ok) logger.error('Invalid configuration', { errorMessage: state.error.message });
  const container = state.ok ? { ok: true as const, config: state.config, deps: wire(state.config, logger) } : state;

  const launchFromEvent = async (event: unknown, context: Context): Promise<LaunchResult> => {
    if (!container.ok) throw container.error;
    // Field names only: a request's arguments may carry an old index URL, and with it an old token.
    logger.debug('Event received', {
      fields: typeof event === 'object' && event !== null ? Object.keys(event) : typeof event,
    });
    const plan = parseEvent(event, container.config.defaultJobName);
    logger.debug('Launch requested', { jobs: plan.requests.map((r) => r.jobName), batch: plan.batch });
    return launch(plan, container.deps, { remainingMs: () => context.getRemainingTimeInMillis() });
  };

  // No middy early timeout: the launch answers OutOfTime itself, saying whether a run may have started.
  return middy(launchFromEvent, { timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logFailure(logger));
};
