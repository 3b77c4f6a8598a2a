import { GLUE_JOB_NAME } from '../boundary/allowlist';
import { ARGUMENT_KEY, GLUE_MAX_DPU, LAUNCHER_PREFIX } from '../boundary/argument-policy';
import type { ConfigVariable } from '../errors';
import { MAX_TOKEN_SECONDS, MIN_TOKEN_SECONDS } from '../token/lifetime';
import { meantName } from './near-miss';

// Names and patterns from the CodeArtifact and Glue API references, so that a typo fails at init, not at 3 a.m.
const DOMAIN = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
const ACCOUNT = /^\d{12}$/;
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
  ALLOWED_JOB_NAMES:
    'a comma-separated list of Glue job names and name prefixes ending with "*" (etl-*), or "*" for any job',
  ALLOWED_RUN_ARGUMENTS:
    '"safe", "*", or a comma-separated list of argument keys ("--" and then letters, digits, "_", "." and "-"; never "--launch-*")',
  PIP_INDEX_OPTION: '"index-url" or "extra-index-url"',
  TOKEN_DELIVERY: '"arguments", "requirements-file" or "auto"',
  REQUIREMENTS_BUCKET: 'an S3 bucket name (3-63 lowercase letters, digits and hyphens), or unset',
  REQUIREMENTS_PREFIX:
    'an S3 key prefix of folders, each of letters, digits, ".", "_" and "-" and ending with "/" (none "." or "..")',
  TOKEN_DURATION_SECONDS: `"auto" or a whole number of seconds from ${MIN_TOKEN_SECONDS} to ${MAX_TOKEN_SECONDS}`,
  MAX_PARALLEL_STARTS: 'a whole number from 1 to 20',
  MAX_DPU: `a whole number from 1 to ${GLUE_MAX_DPU}`,
  IDEMPOTENCY_TABLE: 'a DynamoDB table name (3-255 letters, digits, "_", "-", "."), or unset for no lock',
  STANDING_JOB_NAMES: 'a comma-separated list of Glue job names (no "*": each is refreshed by name), or unset',
  STANDING_PREFIX:
    'an S3 key prefix of one or more folders, each of letters, digits, ".", "_" and "-" and ending with "/" (none "." or "..")',
} as const satisfies Record<ConfigVariable, string>;

export type Variable = keyof typeof ACCEPTED;

/**
 * Variables that look like one of the launcher's, misspelled (`TOKEN_DELIVRY`): the launcher would ignore them,
 * so init warns instead of leaving the user to wonder why a variable has no effect.
 */
export function misspelledVariables(env: NodeJS.ProcessEnv): { readonly given: string; readonly meant: Variable }[] {
  const found: { given: string; meant: Variable }[] = [];
  for (const given in env) {
    if (Object.hasOwn(ACCEPTED, given)) continue;
    const meant = meantName(given, CONFIG_VARIABLES) as Variable | undefined;
    if (meant !== undefined) found.push({ given, meant });
  }
  return found;
}

/** The variables the launcher reads itself (besides the SDK's and Powertools' own). */
export const CONFIG_VARIABLES = Object.keys(ACCEPTED) as readonly Variable[];

/** The ones the standing refresher reads: the repository, the bucket and both prefixes, the standing jobs. */
export const REFRESHER_VARIABLES = [
  'CODEARTIFACT_DOMAIN',
  'CODEARTIFACT_DOMAIN_OWNER',
  'CODEARTIFACT_REPOSITORY',
  'PIP_INDEX_OPTION',
  'REQUIREMENTS_BUCKET',
  'REQUIREMENTS_PREFIX',
  'STANDING_JOB_NAMES',
  'STANDING_PREFIX',
] as const satisfies readonly Variable[];

// Plain predicates, not zod: the configuration is checked at every cold start, in Lambda's init, and zod's module
// cost that init more than every check below together (docs/adr/0015-a-handler-bundle-per-deployment.md).
function whole(min: number, max: number) {
  return (value: string) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
}
function oneOf(...values: readonly string[]) {
  return (value: string) => values.includes(value);
}
export function namesOf(list: string) {
  return list.split(',').map((name) => name.trim());
}
function isArgumentPolicy(value: string) {
  return (
    value === 'safe' ||
    value === '*' ||
    namesOf(value).every((key) => ARGUMENT_KEY.test(key) && !key.toLowerCase().startsWith(LAUNCHER_PREFIX))
  );
}

/** Each variable's check, with whether it must be set. */
export const VARIABLES: Readonly<
  Record<Variable, { readonly required: boolean; readonly valid: (value: string) => boolean }>
> = {
  CODEARTIFACT_DOMAIN: { required: true, valid: (v) => DOMAIN.test(v) },
  CODEARTIFACT_DOMAIN_OWNER: { required: false, valid: (v) => ACCOUNT.test(v) },
  CODEARTIFACT_REPOSITORY: { required: true, valid: (v) => REPOSITORY.test(v) },
  GLUE_JOB_NAME: { required: false, valid: (v) => GLUE_JOB_NAME.test(v) },
  ALLOWED_JOB_NAMES: { required: false, valid: (v) => namesOf(v).every((name) => GLUE_JOB_NAME.test(name)) },
  ALLOWED_RUN_ARGUMENTS: { required: false, valid: isArgumentPolicy },
  PIP_INDEX_OPTION: { required: false, valid: oneOf('index-url', 'extra-index-url') },
  TOKEN_DELIVERY: { required: false, valid: oneOf('arguments', 'requirements-file', 'auto') },
  REQUIREMENTS_BUCKET: { required: false, valid: (v) => BUCKET.test(v) },
  REQUIREMENTS_PREFIX: { required: false, valid: (v) => PREFIX.test(v) },
  TOKEN_DURATION_SECONDS: {
    required: false,
    valid: (v) => v === 'auto' || whole(MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS)(v),
  },
  MAX_PARALLEL_STARTS: { required: false, valid: whole(1, 20) },
  MAX_DPU: { required: false, valid: whole(1, GLUE_MAX_DPU) },
  IDEMPOTENCY_TABLE: { required: false, valid: (v) => /^[A-Za-z0-9_.-]{3,255}$/.test(v) },
  STANDING_JOB_NAMES: {
    required: false,
    valid: (v) => namesOf(v).every((name) => GLUE_JOB_NAME.test(name) && !name.includes('*')),
  },
  STANDING_PREFIX: { required: false, valid: (v) => v !== '' && PREFIX.test(v) },
};

/** SAM passes an empty string for an optional parameter left blank: it counts as unset. */
export function setVariables(env: NodeJS.ProcessEnv): Partial<Record<Variable, string>> {
  return Object.fromEntries(CONFIG_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}

/** The variables once checked: the required ones set, the enumerated ones one of their values. */
export interface CheckedVariables extends Partial<Record<Variable, string>> {
  readonly CODEARTIFACT_DOMAIN: string;
  readonly CODEARTIFACT_REPOSITORY: string;
  readonly PIP_INDEX_OPTION?: 'index-url' | 'extra-index-url';
  readonly TOKEN_DELIVERY?: 'arguments' | 'requirements-file' | 'auto';
}

/** The variables checked, or those that are missing or not valid, in the order ACCEPTED lists them. */
export function checkVariables(
  set: Partial<Record<Variable, string>>,
): { readonly ok: true; readonly vars: CheckedVariables } | { readonly ok: false; readonly bad: Variable[] } {
  const bad = CONFIG_VARIABLES.filter((name) => {
    const value = set[name];
    return value === undefined ? VARIABLES[name].required : !VARIABLES[name].valid(value);
  });
  // Every variable passed its check above, which is what CheckedVariables states.
  return bad.length === 0 ? { ok: true, vars: set as CheckedVariables } : { ok: false, bad };
}
