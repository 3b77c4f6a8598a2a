import * as z from 'zod/mini';
import './zod-messages';
import { GLUE_MAX_WORKERS, LAUNCHER_PREFIX } from '../boundary/argument-policy';
import { MAX_TOKEN_SECONDS, MIN_TOKEN_SECONDS } from '../token/lifetime';

// Names and patterns from the CodeArtifact and Glue API references, so that a typo fails at init, not at 3 a.m.
const DOMAIN = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
const ACCOUNT = /^\d{12}$/;
const JOB_NAME = /^[^\p{Cc}]{1,255}$/u;
// S3's bucket naming rules (no dots: a dotted name breaks virtual-hosted TLS), and a key prefix of safe characters.
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
// Segments of [A-Za-z0-9._-], none empty, `.` or `..`: a key that needs no percent-encoding and stays in its prefix.
const PREFIX = /^(?:(?!\.\.?\/)[A-Za-z0-9._-]+\/)*$/;

/** What each variable accepts, said once: the error messages come from here. */
export const ACCEPTED = {
  CODEARTIFACT_DOMAIN: 'a CodeArtifact domain name (2-50 lowercase letters, digits and hyphens)',
  CODEARTIFACT_DOMAIN_OWNER: 'a 12-digit AWS account id, or unset for the caller’s account',
  CODEARTIFACT_REPOSITORY: 'a CodeArtifact repository name (2-100 letters, digits, ".", "_", "-")',
  GLUE_JOB_NAME: 'a Glue job name (1-255 characters, no control characters), or unset',
  ALLOWED_JOB_NAMES: 'a comma-separated list of Glue job names, or "*" for any job',
  ALLOWED_RUN_ARGUMENTS:
    '"safe", "*", or a comma-separated list of argument keys starting with "--" (never "--launch-*")',
  PIP_INDEX_OPTION: '"index-url" or "extra-index-url"',
  TOKEN_DELIVERY: '"arguments", "requirements-file" or "auto"',
  REQUIREMENTS_BUCKET: 'an S3 bucket name (3-63 lowercase letters, digits and hyphens), or unset',
  REQUIREMENTS_PREFIX:
    'an S3 key prefix of folders, each of letters, digits, ".", "_" and "-" and ending with "/" (none "." or "..")',
  TOKEN_DURATION_SECONDS: `"auto" or a whole number of seconds from ${MIN_TOKEN_SECONDS} to ${MAX_TOKEN_SECONDS}`,
  MAX_PARALLEL_STARTS: 'a whole number from 1 to 20',
  MAX_WORKERS: `a whole number from 1 to ${GLUE_MAX_WORKERS}`,
  IDEMPOTENCY_TABLE: 'a DynamoDB table name (3-255 letters, digits, "_", "-", "."), or unset for no lock',
} as const;

export type Variable = keyof typeof ACCEPTED;

/** The variables the launcher reads itself (besides the SDK's and Powertools' own). */
export const CONFIG_VARIABLES = Object.keys(ACCEPTED) as readonly Variable[];

// zod/mini, not classic zod: the same checks at a fraction of the bundle
// (docs/adr/0002-zod-mini-and-a-local-eventbridge-envelope.md). Few schema objects, no transforms: each one is
// built and first run at every cold start (docs/adr/0007-commonjs-bundle-for-cold-start.md).
const matching = (pattern: RegExp) => z.string().check(z.regex(pattern));
const wholeNumber = (min: number, max: number) =>
  z.string().check(z.refine((value: string) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max));
export const namesOf = (list: string) => list.split(',').map((name) => name.trim());
const jobList = z.string().check(z.refine((list: string) => namesOf(list).every((name) => JOB_NAME.test(name))));
const ARGUMENT_KEY = /^--\S+$/;
const argumentPolicy = z
  .string()
  .check(
    z.refine(
      (value: string) =>
        value === 'safe' ||
        value === '*' ||
        namesOf(value).every((key) => ARGUMENT_KEY.test(key) && !key.toLowerCase().startsWith(LAUNCHER_PREFIX)),
    ),
  );

export const VARIABLES = {
  CODEARTIFACT_DOMAIN: matching(DOMAIN),
  CODEARTIFACT_DOMAIN_OWNER: z.optional(matching(ACCOUNT)),
  CODEARTIFACT_REPOSITORY: matching(REPOSITORY),
  GLUE_JOB_NAME: z.optional(matching(JOB_NAME)),
  ALLOWED_JOB_NAMES: z.optional(jobList),
  ALLOWED_RUN_ARGUMENTS: z.optional(argumentPolicy),
  PIP_INDEX_OPTION: z.optional(z.enum(['index-url', 'extra-index-url'])),
  TOKEN_DELIVERY: z.optional(z.enum(['arguments', 'requirements-file', 'auto'])),
  REQUIREMENTS_BUCKET: z.optional(matching(BUCKET)),
  REQUIREMENTS_PREFIX: z.optional(matching(PREFIX)),
  TOKEN_DURATION_SECONDS: z.optional(z.union([z.literal('auto'), wholeNumber(MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS)])),
  MAX_PARALLEL_STARTS: z.optional(wholeNumber(1, 20)),
  MAX_WORKERS: z.optional(wholeNumber(1, GLUE_MAX_WORKERS)),
  IDEMPOTENCY_TABLE: z.optional(matching(/^[A-Za-z0-9_.-]{3,255}$/)),
} satisfies Record<Variable, z.ZodMiniType>;

/** SAM passes an empty string for an optional parameter left blank: it counts as unset. */
export const setVariables = (env: NodeJS.ProcessEnv): Partial<Record<Variable, string>> =>
  Object.fromEntries(CONFIG_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));

export const EnvironmentSchema = z.object(VARIABLES);
