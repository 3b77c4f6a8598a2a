import { type Allowlist, isAllowed } from '../boundary/allowlist';
import { type ArgumentPolicy, DEFAULT_MAX_DPU } from '../boundary/argument-policy';
import { configError, isLauncherError, type LauncherError, parameterOf, variableText } from '../errors';
import type { PipIndexOption } from '../pip/options';
import type { Delivery } from '../pip/requirements-file';
import type { StandingFiles } from '../pip/standing-file';
import type { TokenDurationChoice } from '../token/lifetime';
import {
  ACCEPTED,
  type CheckedVariables,
  checkVariables,
  namesOf,
  REFRESHER_VARIABLES,
  setVariables,
  VARIABLES,
  type Variable,
} from './variables';

export { CONFIG_VARIABLES, misspelledVariables, REFRESHER_VARIABLES } from './variables';

export const DEFAULT_REQUIREMENTS_PREFIX = 'glue-launcher/';
export const DEFAULT_STANDING_PREFIX = 'glue-launcher-standing/';

export interface Config {
  readonly domain: string;
  readonly domainOwner: string | undefined;
  readonly repository: string;
  readonly defaultJobName: string | undefined;
  readonly allowlist: Allowlist;
  readonly argumentPolicy: ArgumentPolicy;
  readonly pipIndexOption: PipIndexOption;
  /** TOKEN_DELIVERY, with where requirements files go when it writes them. */
  readonly delivery: Delivery;
  readonly tokenDuration: TokenDurationChoice;
  readonly maxParallelStarts: number;
  /** IDEMPOTENCY_TABLE: the optional atomic lock's table. */
  readonly lockTable: string | undefined;
  /** STANDING_JOB_NAMES, with where their standing files are (docs/standing-files.md). */
  readonly standing: StandingFiles | undefined;
}

/**
 * Standing files live in REQUIREMENTS_BUCKET, under a prefix apart from the per-launch files': the grants of each
 * function are scoped to its own prefix, and neither may reach the other's files.
 */
function standingProblem(set: Partial<Record<Variable, string>>): string | undefined {
  if (set.STANDING_JOB_NAMES === undefined) return undefined;
  if (!set.REQUIREMENTS_BUCKET) {
    return `${variableText('STANDING_JOB_NAMES')} is set, but REQUIREMENTS_BUCKET is not, so there is nowhere to write standing files; deploy with the template, which creates the bucket when StandingJobNames is set`;
  }
  const standing = set.STANDING_PREFIX ?? DEFAULT_STANDING_PREFIX;
  const launches = set.REQUIREMENTS_PREFIX ?? DEFAULT_REQUIREMENTS_PREFIX;
  return standing.startsWith(launches) || launches.startsWith(standing)
    ? `STANDING_PREFIX=${JSON.stringify(standing)} and REQUIREMENTS_PREFIX=${JSON.stringify(launches)} overlap (${parameterOf('STANDING_PREFIX')}); standing files and per-launch files need prefixes apart`
    : undefined;
}

function standingOf(vars: CheckedVariables): StandingFiles | undefined {
  if (vars.STANDING_JOB_NAMES === undefined || vars.REQUIREMENTS_BUCKET === undefined) return undefined;
  return {
    jobNames: new Set(namesOf(vars.STANDING_JOB_NAMES)),
    location: { bucket: vars.REQUIREMENTS_BUCKET, prefix: vars.STANDING_PREFIX ?? DEFAULT_STANDING_PREFIX },
  };
}

/** A delivery that writes files needs a bucket to write them to. */
function deliveryProblem(set: Partial<Record<Variable, string>>): string | undefined {
  return (set.TOKEN_DELIVERY === 'requirements-file' || set.TOKEN_DELIVERY === 'auto') && !set.REQUIREMENTS_BUCKET
    ? `TOKEN_DELIVERY=${set.TOKEN_DELIVERY} writes requirements files, but REQUIREMENTS_BUCKET is not set; set it to the bucket the template creates, or set ${variableText('TOKEN_DELIVERY')} to arguments`
    : undefined;
}

/**
 * Which jobs may be started, from the two variables that name them: `"*"` lets IAM alone bound it; an entry that
 * ends with `*` allows every name it begins (docs/configuration.md). Checked on their own, so that its problems are
 * reported with every other variable's, in one message.
 */
function allowlistOf(set: Partial<Record<Variable, string>>): { allowlist?: Allowlist; problem?: string } {
  const valid = (name: 'ALLOWED_JOB_NAMES' | 'GLUE_JOB_NAME') => {
    const value = set[name];
    return value === undefined || VARIABLES[name].valid(value);
  };
  if (!valid('ALLOWED_JOB_NAMES') || !valid('GLUE_JOB_NAME')) return {}; // each reported as a bad value
  const list = set.ALLOWED_JOB_NAMES === undefined ? undefined : namesOf(set.ALLOWED_JOB_NAMES);
  const job = set.GLUE_JOB_NAME;
  if (list?.length === 1 && list[0] === '*') return { allowlist: { any: true } };
  if (list?.includes('*'))
    return {
      problem: `${variableText('ALLOWED_JOB_NAMES')} mixes "*" with job names; expected ${ACCEPTED.ALLOWED_JOB_NAMES}`,
    };
  if (list === undefined && job === undefined) {
    return {
      problem: `neither ${variableText('GLUE_JOB_NAME')} nor ${variableText('ALLOWED_JOB_NAMES')} is set; set at least one so the launcher knows which jobs it may start`,
    };
  }
  const entries = list ?? [job as string];
  const allowlist: Allowlist = {
    any: false,
    names: new Set(entries.filter((entry) => !entry.endsWith('*'))),
    prefixes: entries.filter((entry) => entry.endsWith('*')).map((entry) => entry.slice(0, -1)),
  };
  if (job !== undefined && !isAllowed(allowlist, job)) {
    return {
      problem: `GLUE_JOB_NAME=${JSON.stringify(job)} is not in ${variableText('ALLOWED_JOB_NAMES')}, so a launch without a job name could never start; add it to the list`,
    };
  }
  return { allowlist };
}

function describe(variable: Variable, env: NodeJS.ProcessEnv): string {
  const value = env[variable];
  return value === undefined || value === ''
    ? `${variableText(variable)} is not set; expected ${ACCEPTED[variable]}`
    : `${variableText(variable, value)} is not valid; expected ${ACCEPTED[variable]}`;
}

/**
 * The SDK's clients need a region, which Lambda always sets (`AWS_REGION`); without one every call would fail before
 * it is sent, each as a failure of its own step. Said once, with the fix, instead. (The SDK for JavaScript reads
 * `AWS_REGION`, not `AWS_DEFAULT_REGION`; `npm run invoke` sets it from the user's profile where that has one.)
 */
function regionProblem(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION
    ? undefined
    : 'AWS_REGION is not set, so no AWS call can be made; Lambda sets it itself, elsewhere set it to the region of your Glue jobs (export AWS_REGION=eu-west-1)';
}

/**
 * MAX_WORKERS (0.3) capped a run's worker count whatever the workers' size: 10 G.8X workers, 80 DPUs, passed it.
 * MAX_DPU caps the size times the count. A deployment that still sets MAX_WORKERS is told to move, not read as if
 * the two meant the same.
 */
function retiredProblem(env: NodeJS.ProcessEnv): string | undefined {
  return env.MAX_WORKERS
    ? `MAX_WORKERS=${JSON.stringify(env.MAX_WORKERS)} is no longer read: set ${variableText('MAX_DPU')} instead, the most DPUs a request may ask for (worker size times count: MAX_WORKERS=10 of G.1X workers is MAX_DPU=10)`
    : undefined;
}

/** Reads and validates the environment; throws one `ConfigError` that names every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const set = setVariables(env);
  const checked = checkVariables(set);
  const { allowlist, problem } = allowlistOf(set);
  const problems = checked.ok ? [] : checked.bad.map((variable) => describe(variable, env));
  if (problem) problems.push(problem);
  const delivery = deliveryProblem(set);
  if (delivery) problems.push(delivery);
  const region = regionProblem(env);
  if (region) problems.push(region);
  const retired = retiredProblem(env);
  if (retired) problems.push(retired);
  const standing = standingProblem(set);
  if (standing) problems.push(standing);
  if (!checked.ok || allowlist === undefined || problems.length > 0) throw configError(problems);
  const { vars } = checked;
  const duration = vars.TOKEN_DURATION_SECONDS ?? 'auto';
  const policy = vars.ALLOWED_RUN_ARGUMENTS ?? 'safe';
  const maxDpu = Number(vars.MAX_DPU ?? DEFAULT_MAX_DPU);
  const tokenDelivery = vars.TOKEN_DELIVERY ?? 'arguments';
  return {
    domain: vars.CODEARTIFACT_DOMAIN,
    domainOwner: vars.CODEARTIFACT_DOMAIN_OWNER,
    repository: vars.CODEARTIFACT_REPOSITORY,
    defaultJobName: vars.GLUE_JOB_NAME,
    allowlist,
    argumentPolicy:
      policy === '*'
        ? { mode: 'any' }
        : policy === 'safe'
          ? { mode: 'safe', maxDpu }
          : { mode: 'list', keys: new Set(namesOf(policy)), maxDpu },
    pipIndexOption: vars.PIP_INDEX_OPTION ?? 'index-url',
    delivery:
      tokenDelivery === 'arguments' || vars.REQUIREMENTS_BUCKET === undefined
        ? { mode: 'arguments' }
        : {
            mode: tokenDelivery,
            location: {
              bucket: vars.REQUIREMENTS_BUCKET,
              prefix: vars.REQUIREMENTS_PREFIX ?? DEFAULT_REQUIREMENTS_PREFIX,
            },
          },
    tokenDuration: duration === 'auto' ? duration : Number(duration),
    maxParallelStarts: Number(vars.MAX_PARALLEL_STARTS ?? 5),
    lockTable: vars.IDEMPOTENCY_TABLE,
    standing: standingOf(vars),
  };
}

/** What the standing refresher reads: the repository, where its files go and which jobs have one. */
export interface RefresherConfig {
  readonly domain: string;
  readonly domainOwner: string | undefined;
  readonly repository: string;
  readonly pipIndexOption: PipIndexOption;
  readonly standing: StandingFiles;
}

/**
 * The refresher's configuration: its variables (REFRESHER_VARIABLES), checked as the launcher checks them, without
 * the launch's allowlist (it starts nothing); STANDING_JOB_NAMES is required. One `ConfigError` names every problem.
 */
export function loadRefresherConfig(env: NodeJS.ProcessEnv): RefresherConfig {
  const read = new Set<string>(REFRESHER_VARIABLES);
  const set = Object.fromEntries(Object.entries(setVariables(env)).filter(([name]) => read.has(name)));
  const checked = checkVariables(set);
  const problems = checked.ok ? [] : checked.bad.map((variable) => describe(variable, env));
  if (set.STANDING_JOB_NAMES === undefined) problems.push(describe('STANDING_JOB_NAMES', env));
  for (const problem of [standingProblem(set), regionProblem(env)]) if (problem) problems.push(problem);
  if (!checked.ok || problems.length > 0) throw configError(problems);
  const { vars } = checked;
  return {
    domain: vars.CODEARTIFACT_DOMAIN,
    domainOwner: vars.CODEARTIFACT_DOMAIN_OWNER,
    repository: vars.CODEARTIFACT_REPOSITORY,
    pipIndexOption: vars.PIP_INDEX_OPTION ?? 'index-url',
    standing: standingOf(vars) as StandingFiles,
  };
}

/**
 * A bad configuration must not crash the init phase (Lambda would report an opaque Runtime.ExitError and retry
 * forever): it is read once, at init, and every invocation then fails with the same `ConfigError` (docs/adr/0004-config-error-per-invocation.md).
 */
export type ConfigState<C = Config> =
  | { readonly ok: true; readonly config: C }
  | { readonly ok: false; readonly error: LauncherError };

export function loadConfigState(env: NodeJS.ProcessEnv): ConfigState;
export function loadConfigState<C>(env: NodeJS.ProcessEnv, load: (env: NodeJS.ProcessEnv) => C): ConfigState<C>;
export function loadConfigState(
  env: NodeJS.ProcessEnv,
  load: (env: NodeJS.ProcessEnv) => unknown = loadConfig,
): ConfigState<unknown> {
  try {
    return { ok: true, config: load(env) };
  } catch (error) {
    if (isLauncherError(error)) return { ok: false, error };
    throw error;
  }
}
