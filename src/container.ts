import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { REQUEST_TIMEOUT_MS } from './aws/bounds';
import { codeartifactClient, glueClient, glueStartClient } from './aws/clients';
import { CodeArtifactRepository } from './aws/codeartifact';
import { GlueJobService } from './aws/glue';
import { toLauncherError } from './errors';
import { initContainer, nameAndLogFailure } from './init';
import { type Config, loadConfig } from './input/config';
import { parseEvent } from './input/events';
import { launch } from './launch/launch';
import type { LaunchDeps } from './launch/model';
import type { LaunchResult } from './launch/outcome';
import { jitteredBackoff, START_EFFECT_MARGIN_MS } from './launch/start';
import { InvocationMetrics } from './observability';
import type { LaunchLock, RequirementsStore } from './ports';
import { cachedEndpoint } from './token/access';

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
      lazyStore(
        options.loadRequirementsStore ?? bundledStore,
        delivery.mode !== 'arguments' || config.standing !== undefined,
      ),
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
  const { serviceName, logger, state } = initContainer(env, loadConfig);
  const metrics = InvocationMetrics.create(env, serviceName);
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
  return (
    middy(launchFromEvent, { timeoutEarlyInMillis: 0 })
      .use(metrics.middleware())
      .use(injectLambdaContext(logger, { resetKeys: true }))
      // A bug that escaped the launch is still StartJobRunFailed.
      .use(nameAndLogFailure(logger, 'Launch failed', (error) => toLauncherError(error)))
  );
}
