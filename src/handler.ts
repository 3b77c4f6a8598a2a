import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { codeartifactClient, glueClient } from './aws/clients';
import { CodeArtifactIndex } from './aws/codeartifact';
import { GlueJobService } from './aws/glue';
import { loadConfigState } from './config';
import { ConfigError, isLauncherError } from './errors';
import { type LaunchDeps, type LaunchResult, launch } from './launch';
import { parseEvent } from './request';

const logger = new Logger({ serviceName: 'glue-launcher' });

// Read once, at init; a bad value is reported by every invocation rather than crashing the init phase.
const configState = loadConfigState(process.env);
if (!configState.ok) logger.error('Invalid configuration', { error: configState.error.message });

const ready = configState.ok
  ? {
      defaultJobName: configState.config.defaultJobName,
      deps: {
        jobs: new GlueJobService(glueClient),
        index: new CodeArtifactIndex(codeartifactClient, configState.config),
        settings: configState.config,
        logger,
      } satisfies LaunchDeps,
    }
  : configState.error;

const launchFromEvent = async (event: unknown): Promise<LaunchResult> => {
  if (ready instanceof ConfigError) throw ready;
  const plan = parseEvent(event, ready.defaultJobName);
  logger.debug('Launch requested', { jobs: plan.requests.map((r) => r.jobName), batch: plan.batch });
  return launch(plan, ready.deps);
};

/** Logs the one-sentence reason once; Lambda then reports the error's `name` as its errorType. */
const logFailure = (): middy.MiddlewareObj => ({
  onError: ({ error }) => {
    if (isLauncherError(error)) {
      logger.error('Launch failed', { errorName: error.name, errorMessage: error.message });
    } else {
      logger.error('Launch failed unexpectedly', { errorName: error?.name, errorMessage: error?.message });
    }
  },
});

export const handler = middy(launchFromEvent)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logFailure());
