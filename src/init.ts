import { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import { type LauncherError, reworded } from './errors';
import { type ConfigState, loadConfigState, misspelledVariables } from './input/config';
import { redact } from './token/redact';

/**
 * What both functions' containers do at init, the launcher's (container.ts) and the standing refresher's
 * (refresher.ts): a logger named for the stack, the configuration read and checked once (a bad one fails every
 * invocation with ConfigError, docs/adr/0004-config-error-per-invocation.md), misspelled variables warned of; and the
 * middleware that names and logs every failure.
 */
export function initContainer<C>(env: NodeJS.ProcessEnv, load: (env: NodeJS.ProcessEnv) => C) {
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? 'glue-launcher';
  const logger = new Logger({ serviceName, logLevel: env.POWERTOOLS_LOG_LEVEL as never });
  const state: ConfigState<C> = loadConfigState(env, load);
  if (!state.ok) logger.error('Invalid configuration', { errorMessage: state.error.message });
  // Names only, never values.
  for (const { given, meant } of misspelledVariables(env)) {
    logger.warn(`Variable ${given} is not read; did you mean ${meant}?`, { variable: given, meant });
  }
  return { serviceName, logger, state };
}

/**
 * Every failure leaves named (docs/adr/0006-one-closed-set-of-error-names.md) and logged once, with its
 * one-sentence reason, scrubbed of any URL password: `name` turns anything thrown into the catalogue's error, a bug
 * into the function's own catch-all name. Lambda then reports the error's `name` as its errorType.
 */
export function nameAndLogFailure(
  logger: Logger,
  said: string,
  name: (error: unknown) => LauncherError,
): middy.MiddlewareObj {
  return {
    onError: (request) => {
      const error = reworded(name(request.error), (message) => redact(message, undefined));
      request.error = error;
      logger.error(said, { errorName: error.name, errorMessage: error.message });
    },
  };
}
