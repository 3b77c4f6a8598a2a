import * as z from 'zod/mini';
import './zod-messages';
import { ConfigError } from './errors';

export const MIN_TOKEN_SECONDS = 900;
export const MAX_TOKEN_SECONDS = 43_200;

// Names and patterns from the CodeArtifact and Glue API references, so that a typo fails at init, not at 3 a.m.
const DOMAIN = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
const ACCOUNT = /^\d{12}$/;
const JOB_NAME = /^[^\p{Cc}]{1,255}$/u;

/** What each variable accepts, said once: the schema's checks and the error messages both come from here. */
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

// zod/mini, not classic zod: the same checks at a fraction of the bundle, and so of the cold start.
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

const EnvironmentSchema = z.object({
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
});

/** `"*"` lets IAM alone bound which jobs can be started. */
const allowlistOf = (names: string[] | undefined, defaultJob: string | undefined, ctx: z.core.ParsePayload) => {
  const fail = (message: string) => {
    ctx.issues.push({ code: 'custom', path: ['ALLOWED_JOB_NAMES'], message, input: names });
    return z.NEVER;
  };
  if (names?.length === 1 && names[0] === '*') return { any: true } as const;
  if (names?.includes('*'))
    return fail(`ALLOWED_JOB_NAMES mixes "*" with job names; expected ${ACCEPTED.ALLOWED_JOB_NAMES}`);
  if (names === undefined) {
    if (defaultJob === undefined) {
      return fail(
        'neither GLUE_JOB_NAME nor ALLOWED_JOB_NAMES is set; set at least one so the launcher knows which jobs it may start',
      );
    }
    return { any: false, names: new Set([defaultJob]) as ReadonlySet<string> } as const;
  }
  if (defaultJob !== undefined && !names.includes(defaultJob)) {
    return fail(
      `GLUE_JOB_NAME=${JSON.stringify(defaultJob)} is not in ALLOWED_JOB_NAMES, so a launch without a job name could never start; add it to the list`,
    );
  }
  return { any: false, names: new Set(names) as ReadonlySet<string> } as const;
};

const ConfigSchema = z.pipe(
  EnvironmentSchema,
  z.transform((vars: z.output<typeof EnvironmentSchema>, ctx) => ({
    domain: vars.CODEARTIFACT_DOMAIN,
    domainOwner: vars.CODEARTIFACT_DOMAIN_OWNER,
    repository: vars.CODEARTIFACT_REPOSITORY,
    defaultJobName: vars.GLUE_JOB_NAME,
    allowlist: allowlistOf(vars.ALLOWED_JOB_NAMES, vars.GLUE_JOB_NAME, ctx),
    pipIndexOption: vars.PIP_INDEX_OPTION,
    tokenDuration: vars.TOKEN_DURATION_SECONDS,
    maxParallelStarts: vars.MAX_PARALLEL_STARTS,
  })),
);

export type Config = Readonly<z.output<typeof ConfigSchema>>;
export type Allowlist = Config['allowlist'];
export type TokenDurationSetting = Config['tokenDuration'];
export type PipIndexOption = Config['pipIndexOption'];

const describe = (issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string => {
  if (issue.code === 'custom') return issue.message;
  const variable = issue.path[0] as Variable;
  const value = env[variable];
  const accepted = ACCEPTED[variable];
  return value === undefined || value === ''
    ? `${variable} is not set; expected ${accepted}`
    : `${variable}=${JSON.stringify(value)} is not valid; expected ${accepted}`;
};

/** Reads and validates the environment; throws one `ConfigError` that names every bad variable. */
export const loadConfig = (env: NodeJS.ProcessEnv): Config => {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = [...new Set(parsed.error.issues.map((issue) => describe(issue, env)))];
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
};

/**
 * Loads once, at init. A bad configuration must not crash the init phase (Lambda would report an opaque
 * Runtime.ExitError and retry forever): every invocation throws the same named error instead.
 */
export type ConfigState = { ok: true; config: Config } | { ok: false; error: ConfigError };

export const loadConfigState = (env: NodeJS.ProcessEnv): ConfigState => {
  try {
    return { ok: true, config: loadConfig(env) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    throw error;
  }
};
