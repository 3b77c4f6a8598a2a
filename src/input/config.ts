import * as z from 'zod/mini';
import './zod-messages';
import type { PipIndexOption } from '../domain/pip-options';
import type { Allowlist } from '../domain/plan';
import { MAX_TOKEN_SECONDS, MIN_TOKEN_SECONDS, type TokenDurationSetting } from '../domain/token';
import { LauncherError } from '../errors';

// Names and patterns from the CodeArtifact and Glue API references, so that a typo fails at init, not at 3 a.m.
const DOMAIN = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
const ACCOUNT = /^\d{12}$/;
const JOB_NAME = /^[^\p{Cc}]{1,255}$/u;

/** What each variable accepts, said once: the error messages come from here. */
const ACCEPTED = {
  CODEARTIFACT_DOMAIN: 'a CodeArtifact domain name (2-50 lowercase letters, digits and hyphens)',
  CODEARTIFACT_DOMAIN_OWNER: 'a 12-digit AWS account id, or unset for the caller’s account',
  CODEARTIFACT_REPOSITORY: 'a CodeArtifact repository name (2-100 letters, digits, ".", "_", "-")',
  GLUE_JOB_NAME: 'a Glue job name (1-255 characters, no control characters), or unset',
  ALLOWED_JOB_NAMES: 'a comma-separated list of Glue job names, or "*" for any job',
  PIP_INDEX_OPTION: '"index-url" or "extra-index-url"',
  TOKEN_DURATION_SECONDS: `"auto" or a whole number of seconds from ${MIN_TOKEN_SECONDS} to ${MAX_TOKEN_SECONDS}`,
  MAX_PARALLEL_STARTS: 'a whole number from 1 to 20',
} as const;

type Variable = keyof typeof ACCEPTED;

/** The variables the launcher reads itself (besides the SDK's and Powertools' own). */
export const CONFIG_VARIABLES = Object.keys(ACCEPTED) as readonly Variable[];

// zod/mini, not classic zod: the same checks at a fraction of the bundle (docs/adr/0002-zod-mini-and-a-local-eventbridge-envelope.md).
const matching = (pattern: RegExp) => z.string().check(z.regex(pattern));

/** SAM passes an empty string for an optional parameter left blank: treat it as unset. */
const optional = <T extends z.ZodMiniType, F extends z.output<T> | undefined = undefined>(schema: T, fallback?: F) =>
  z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    z.pipe(
      z.optional(schema),
      z.transform((value) => (value ?? fallback) as F extends undefined ? z.output<T> | undefined : z.output<T>),
    ),
  );

const wholeNumber = (min: number, max: number) =>
  z.pipe(matching(/^\d+$/), z.pipe(z.transform(Number), z.int().check(z.minimum(min), z.maximum(max))));

const jobList = z.pipe(
  z.string(),
  z.pipe(
    z.transform((value: string) => value.split(',').map((name) => name.trim())),
    z.array(matching(JOB_NAME)).check(z.minLength(1)),
  ),
);

const VARIABLES = {
  CODEARTIFACT_DOMAIN: matching(DOMAIN),
  CODEARTIFACT_DOMAIN_OWNER: optional(matching(ACCOUNT)),
  CODEARTIFACT_REPOSITORY: matching(REPOSITORY),
  GLUE_JOB_NAME: optional(matching(JOB_NAME)),
  ALLOWED_JOB_NAMES: optional(jobList),
  PIP_INDEX_OPTION: optional(z.enum(['index-url', 'extra-index-url']), 'index-url'),
  TOKEN_DURATION_SECONDS: optional(
    z.union([z.literal('auto'), wholeNumber(MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS)]),
    'auto',
  ),
  MAX_PARALLEL_STARTS: optional(wholeNumber(1, 20), 5),
} satisfies Record<Variable, z.ZodMiniType>;

const EnvironmentSchema = z.object(VARIABLES);

export interface Config {
  readonly domain: string;
  readonly domainOwner: string | undefined;
  readonly repository: string;
  readonly defaultJobName: string | undefined;
  readonly allowlist: Allowlist;
  readonly pipIndexOption: PipIndexOption;
  readonly tokenDuration: TokenDurationSetting;
  readonly maxParallelStarts: number;
}

/**
 * Which jobs may be started, from the two variables that name them: `"*"` lets IAM alone bound it. Checked on
 * their own, so that its problems are reported with every other variable's, in one message.
 */
const allowlistOf = (env: NodeJS.ProcessEnv): { allowlist?: Allowlist; problem?: string } => {
  const names = VARIABLES.ALLOWED_JOB_NAMES.safeParse(env.ALLOWED_JOB_NAMES);
  const defaultJob = VARIABLES.GLUE_JOB_NAME.safeParse(env.GLUE_JOB_NAME);
  if (!names.success || !defaultJob.success) return {}; // each reported as a bad value
  const [list, job] = [names.data, defaultJob.data];
  if (list?.length === 1 && list[0] === '*') return { allowlist: { any: true } };
  if (list?.includes('*'))
    return { problem: `ALLOWED_JOB_NAMES mixes "*" with job names; expected ${ACCEPTED.ALLOWED_JOB_NAMES}` };
  if (list === undefined && job === undefined) {
    return {
      problem:
        'neither GLUE_JOB_NAME nor ALLOWED_JOB_NAMES is set; set at least one so the launcher knows which jobs it may start',
    };
  }
  if (list !== undefined && job !== undefined && !list.includes(job)) {
    return {
      problem: `GLUE_JOB_NAME=${JSON.stringify(job)} is not in ALLOWED_JOB_NAMES, so a launch without a job name could never start; add it to the list`,
    };
  }
  return { allowlist: { any: false, names: new Set(list ?? [job as string]) } };
};

const describe = (variable: Variable, env: NodeJS.ProcessEnv): string => {
  const value = env[variable];
  return value === undefined || value === ''
    ? `${variable} is not set; expected ${ACCEPTED[variable]}`
    : `${variable}=${JSON.stringify(value)} is not valid; expected ${ACCEPTED[variable]}`;
};

/** Reads and validates the environment; throws one `ConfigError` that names every problem at once. */
export const loadConfig = (env: NodeJS.ProcessEnv): Config => {
  const parsed = EnvironmentSchema.safeParse(env);
  const { allowlist, problem } = allowlistOf(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describe(issue.path[0] as Variable, env));
  if (problem) problems.push(problem);
  if (!parsed.success || allowlist === undefined) {
    throw new LauncherError('ConfigError', `Invalid configuration: ${[...new Set(problems)].join('; ')}.`);
  }
  const vars = parsed.data;
  return {
    domain: vars.CODEARTIFACT_DOMAIN,
    domainOwner: vars.CODEARTIFACT_DOMAIN_OWNER,
    repository: vars.CODEARTIFACT_REPOSITORY,
    defaultJobName: vars.GLUE_JOB_NAME,
    allowlist,
    pipIndexOption: vars.PIP_INDEX_OPTION,
    tokenDuration: vars.TOKEN_DURATION_SECONDS,
    maxParallelStarts: vars.MAX_PARALLEL_STARTS,
  };
};

/**
 * A bad configuration must not crash the init phase (Lambda would report an opaque Runtime.ExitError and retry
 * forever): it is read once, at init, and every invocation then fails with the same `ConfigError` (docs/adr/0004-config-error-per-invocation.md).
 */
export type ConfigState =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly error: LauncherError };

export const loadConfigState = (env: NodeJS.ProcessEnv): ConfigState => {
  try {
    return { ok: true, config: loadConfig(env) };
  } catch (error) {
    if (error instanceof LauncherError) return { ok: false, error };
    throw error;
  }
};
