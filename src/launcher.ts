import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { codeartifactClient, glueClient, glueStartClient } from './aws/clients';
import { CodeArtifactIndex } from './aws/codeartifact';
import { GlueJobService } from './aws/glue';
import { loadConfigState } from './config';
import { ConfigError, isLauncherError } from './errors';
import { type LaunchDeps, type LaunchResult, launch } from './launch';
import { parseEvent } from './request';

/** Logs the one-sentence reason once; Lambda then reports the error's `name` as its errorType. */
const logFailure = (logger: Logger): middy.MiddlewareObj => ({
  onError: ({ error }) => {
    logger.error(isLauncherError(error) ? 'Launch failed' : 'Launch failed unexpectedly', {
      errorName: error?.name,
      errorMessage: error?.message,
    });
  },
});

/**
 * One container's launcher: configuration read and checked now, once; the endpoint cache lives as long as
 * the returned handler. `handler.ts` calls it at init with `process.env`; tests call it for a fresh container.
 */
export const createLauncher = (env: NodeJS.ProcessEnv) => {
  const logger = new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'glue-launcher',
    logLevel: env.POWERTOOLS_LOG_LEVEL as never,
  });
  const state = loadConfigState(env);
  // A bad value is reported by every invocation rather than crashing the init phase.
  if (!state.ok) logger.error('Invalid configuration', { errorMessage: state.error.message });
  const ready = state.ok
    ? {
        defaultJobName: state.config.defaultJobName,
        deps: {
          jobs: new GlueJobService(glueClient, { starts: glueStartClient }),
          index: new CodeArtifactIndex(codeartifactClient, state.config),
          settings: state.config,
          logger,
          jobTimeouts: new Map(),
        } satisfies LaunchDeps,
      }
    : state.error;

  const launchFromEvent = async (event: unknown, context: Context): Promise<LaunchResult> => {
    if (ready instanceof ConfigError) throw ready;
    // Field names only: a request's arguments may carry an old index URL, and with it an old token.
    logger.debug('Event received', {
      fields: typeof event === 'object' && event !== null ? Object.keys(event) : typeof event,
    });
    const plan = parseEvent(event, ready.defaultJobName);
    logger.debug('Launch requested', { jobs: plan.requests.map((r) => r.jobName), batch: plan.batch });
    return launch(plan, ready.deps, { remainingMs: () => context.getRemainingTimeInMillis() });
  };

  return middy(launchFromEvent)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logFailure(logger));
};
