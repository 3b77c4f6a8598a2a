import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { REQUEST_TIMEOUT_MS } from './aws/bounds';
import { codeartifactClient, glueClient, glueStartClient } from './aws/clients';
import { CodeArtifactRepository } from './aws/codeartifact';
import { GlueJobService } from './aws/glue';
import { reworded, toLauncherError } from './errors';
import { type Config, loadConfigState, misspelledVariables } from './input/config';
import { parseEvent } from './input/events';
import { launch } from './launch/launch';
import type { LaunchDeps } from './launch/model';
import type { LaunchResult } from './launch/outcome';
import { jitteredBackoff, START_EFFECT_MARGIN_MS } from './launch/start';
import { InvocationMetrics } from './observability';
import type { LaunchLock, RequirementsStore } from './ports';
import { cachedEndpoint } from './token/access';
import { redact } from './token/redact';

/**
 * The composition root of one Lambda container: the configuration read and checked once, the adapters over the
 * module-scope SDK clients, the logger and metrics, the middy chain. `handler.ts` makes one at init with
 * `process.env`; tests make one per simulated container.
 */

/**
 * A deployment's handler bundle holds the adapters it needs (src/handler-*.ts, chosen by template.yaml's Handler),
 * built at init with the rest. Where one is missing (a job's own requirements file read in a deployment without S3,
 * or a variable set by hand that the template did not choose the handler for), its bundle of its own beside this
 * one is loaded when first needed (docs/adr/0015-a-handler-bundle-per-deployment.md). A path esbuild cannot follow
 * keeps each out of this bundle.
 */
const STORE_BUNDLE = './aws/requirements-store.cjs';
const LOCK_BUNDLE = './aws/lock.cjs';
async function bundledStore(): Promise<RequirementsStore> {
  const s3: typeof import('./aws/requirements-store') = await import(STORE_BUNDLE);
  return new s3.S3RequirementsStore();
}
async function bundledLock(table: string): Promise<LaunchLock> {
  const dynamo: typeof import('./aws/lock') = await import(LOCK_BUNDLE);
  return new dynamo.DynamoLaunchLock(table);
}

/** A module loaded once (now, or when first used) and awaited when used; a failed load is tried again. */
function loading<T>(load: () => Promise<T>, now: boolean): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  const get = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  // reported by the first use, not as an unhandled rejection at init
  if (now) get().catch(() => undefined);
  return get;
}

function lazyStore(load: () => Promise<RequirementsStore>, now: boolean): RequirementsStore {
  const store = loading(load, now);
  return {
    write: async (bucket, key, body, metadata) => (await store()).write(bucket, key, body, metadata),
    read: async (uri, maxBytes) => (await store()).read(uri, maxBytes),
    metadata: async (bucket, key) => (await store()).metadata(bucket, key),
  };
}

function lazyLock(load: () => Promise<LaunchLock>): LaunchLock {
  const lock = loading(load, true);
  return {
    acquire: async (lockKey, digest, holdMs) => (await lock()).acquire(lockKey, digest, holdMs),
    complete: async (lockKey, digest, run) => (await lock()).complete(lockKey, digest, run),
    release: async (lockKey, digest) => (await lock()).release(lockKey, digest),
  };
}

export interface ContainerOptions {
  /** The S3 adapter, in a handler bundle that holds it (src/handler-s3.ts). */
  readonly requirementsStore?: RequirementsStore;
  /** The lock over a table, in a handler bundle that holds it (src/handler-lock.ts). */
  readonly lock?: (table: string) => LaunchLock;
  /** How a missing S3 adapter is loaded: its own bundle, beside this one; tests load the TypeScript source. */
  readonly loadRequirementsStore?: () => Promise<RequirementsStore>;
  /** How a missing lock is loaded: its own bundle, beside this one; tests load the TypeScript source. */
  readonly loadLock?: (table: string) => Promise<LaunchLock>;
  /** Tests shorten the wait after a lost StartJobRun answer; Lambda waits the whole window. */
  readonly startEffectWindowMs?: number;
}

/**
 * Every failure leaves named (docs/adr/0006-one-closed-set-of-error-names.md) and logged once, with its
 * one-sentence reason: a bug that escaped the launch is still StartJobRunFailed, scrubbed of any URL password.
 * Lambda then reports the error's `name` as its errorType.
 */
function nameAndLogFailure(logger: Logger): middy.MiddlewareObj {
  return {
    onError: (request) => {
      const error = reworded(toLauncherError(request.error), (message) => redact(message, undefined));
      request.error = error;
      logger.error('Launch failed', { errorName: error.name, errorMessage: error.message });
    },
  };
}

/** The launch's dependencies for one container, over the module-scope SDK clients. */
function wire(config: Config, logger: Logger, metrics: InvocationMetrics, options: ContainerOptions): LaunchDeps {
  const repository = new CodeArtifactRepository(codeartifactClient, config);
  const { delivery } = config;
  const table = config.lockTable;
  const loadLock = options.loadLock ?? bundledLock;
  return {
    jobs: new GlueJobService(glueClient, glueStartClient),
    repository,
    endpoint: cachedEndpoint(repository),
    config,
    delivery,
    files:
      options.requirementsStore ??
      lazyStore(options.loadRequirementsStore ?? bundledStore, delivery.mode !== 'arguments'),
    lock: table === undefined ? undefined : (options.lock?.(table) ?? lazyLock(() => loadLock(table))),
    logger,
    metrics,
    jobTimeouts: new Map(),
    clock: Date.now,
    backoffMs: jitteredBackoff,
    // The StartJobRun client's own timeout, then the margin in which Glue may still act on the request.
    startEffectWindowMs: options.startEffectWindowMs ?? REQUEST_TIMEOUT_MS + START_EFFECT_MARGIN_MS,
  };
}

/** One container: configuration read and checked now, once; a handler for each of its invocations. */
export function createContainer(env: NodeJS.ProcessEnv, options: ContainerOptions = {}) {
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? 'glue-launcher';
  const logger = new Logger({ serviceName, logLevel: env.POWERTOOLS_LOG_LEVEL as never });
  const metrics = InvocationMetrics.create(env, serviceName);
  const state = loadConfigState(env);
  if (!state.ok) logger.error('Invalid configuration', { errorMessage: state.error.message });
  // Names only, never values.
  for (const { given, meant } of misspelledVariables(env)) {
    logger.warn(`Variable ${given} is not read; did you mean ${meant}?`, { variable: given, meant });
  }
  const container = state.ok
    ? { ok: true as const, config: state.config, deps: wire(state.config, logger, metrics, options) }
    : state;

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
  // middy runs onError hooks last-registered first: the failure is named and logged, then counted and published.
  return middy(launchFromEvent, { timeoutEarlyInMillis: 0 })
    .use(metrics.middleware())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(nameAndLogFailure(logger));
}
