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

// zod/mini, not classic zod: the same checks at a fraction of the bundle
// (docs/adr/0002-zod-mini-and-a-local-eventbridge-envelope.md). Few schema objects, no transforms: each one is
// built and first run at every cold start (docs/adr/0007-commonjs-bundle-for-cold-start.md).
const matching = (pattern: RegExp) => z.string().check(z.regex(pattern));
const wholeNumber = (min: number, max: number) =>
  z.string().check(z.refine((value: string) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max));
const namesOf = (list: string) => list.split(',').map((name) => name.trim());
const jobList = z.string().check(z.refine((list: string) => namesOf(list).every((name) => JOB_NAME.test(name))));

const VARIABLES = {
  CODEARTIFACT_DOMAIN: matching(DOMAIN),
  CODEARTIFACT_DOMAIN_OWNER: z.optional(matching(ACCOUNT)),
  CODEARTIFACT_REPOSITORY: matching(REPOSITORY),
  GLUE_JOB_NAME: z.optional(matching(JOB_NAME)),
  ALLOWED_JOB_NAMES: z.optional(jobList),
  PIP_INDEX_OPTION: z.optional(z.enum(['index-url', 'extra-index-url'])),
  TOKEN_DURATION_SECONDS: z.optional(z.union([z.literal('auto'), wholeNumber(MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS)])),
  MAX_PARALLEL_STARTS: z.optional(wholeNumber(1, 20)),
} satisfies Record<Variable, z.ZodMiniType>;

/** SAM passes an empty string for an optional parameter left blank: it counts as unset. */
const setVariables = (env: NodeJS.ProcessEnv): Partial<Record<Variable, string>> =>
  Object.fromEntries(CONFIG_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));

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
const allowlistOf = (set: Partial<Record<Variable, string>>): { allowlist?: Allowlist; problem?: string } => {
  const valid = (name: 'ALLOWED_JOB_NAMES' | 'GLUE_JOB_NAME') => VARIABLES[name].safeParse(set[name]).success;
  if (!valid('ALLOWED_JOB_NAMES') || !valid('GLUE_JOB_NAME')) return {}; // each reported as a bad value
  const list = set.ALLOWED_JOB_NAMES === undefined ? undefined : namesOf(set.ALLOWED_JOB_NAMES);
  const job = set.GLUE_JOB_NAME;
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
  const set = setVariables(env);
  const parsed = EnvironmentSchema.safeParse(set);
  const { allowlist, problem } = allowlistOf(set);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describe(issue.path[0] as Variable, env));
  if (problem) problems.push(problem);
  if (!parsed.success || allowlist === undefined) {
    throw new LauncherError('ConfigError', `Invalid configuration: ${[...new Set(problems)].join('; ')}.`);
  }
  const vars = parsed.data;
  const duration = vars.TOKEN_DURATION_SECONDS ?? 'auto';
  return {
    domain: vars.CODEARTIFACT_DOMAIN,
    domainOwner: vars.CODEARTIFACT_DOMAIN_OWNER,
    repository: vars.CODEARTIFACT_REPOSITORY,
    defaultJobName: vars.GLUE_JOB_NAME,
    allowlist,
    pipIndexOption: vars.PIP_INDEX_OPTION ?? 'index-url',
    tokenDuration: duration === 'auto' ? duration : Number(duration),
    maxParallelStarts: Number(vars.MAX_PARALLEL_STARTS ?? 5),
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
