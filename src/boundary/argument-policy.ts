import { argumentNotAllowed, parameterOf, setting } from '../errors';
import type { LaunchRequest } from '../plan';
import { abbreviatedParameter, isGlueParameter } from './glue-parameters';

/**
 * What a caller may set (`ALLOWED_RUN_ARGUMENTS`): anyone who may invoke the launcher can start the allowed jobs,
 * so a request gets a run of an allowed job and nothing more (docs/adr/0008-the-launcher-as-a-privilege-boundary.md).
 * `safe`: the job's own arguments only, never a parameter Glue reads itself; a list: exactly those keys; `*`: any.
 * Under `safe` and a list, a request may not choose the run's security configuration, nor more workers than
 * `MAX_WORKERS`.
 */
export type ArgumentPolicy =
  | { readonly mode: 'safe'; readonly maxWorkers: number }
  | { readonly mode: 'any' }
  | { readonly mode: 'list'; readonly keys: ReadonlySet<string>; readonly maxWorkers: number };

/**
 * An argument key that means the same to the policy, to Glue and to a script's argument parser: `--`, then letters,
 * digits, `_`, `.` and `-`. No `=`, which argparse reads as the end of the key (`--TempDir=s3://elsewhere` sets
 * `--TempDir`); no spaces, quotes, control or non-ASCII characters.
 */
export const ARGUMENT_KEY = /^--[A-Za-z0-9_][A-Za-z0-9_.-]{0,253}$/;
export const ARGUMENT_KEY_RULE =
  'argument keys must start with "--" and hold only letters, digits, "_", "." and "-", at most 256 characters (a script\'s argument parser reads an "=" as the end of the key)';

/** Set by the launcher alone, on every run: a request may never set them. */
export const LAUNCHER_PREFIX = '--launch-';

/**
 * `MAX_WORKERS`' default: the size Glue gives a run by default (10 DPUs, StartJobRun's API reference). Glue's own
 * ceiling is 299 G.1X workers (149 G.2X): a caller must not be able to scale a run that far unasked.
 */
export const DEFAULT_MAX_WORKERS = 10;
export const GLUE_MAX_WORKERS = 299;

export const describePolicy = (policy: ArgumentPolicy): string =>
  policy.mode === 'list' ? [...policy.keys].join(',') : policy.mode === 'any' ? '*' : 'safe';

/** Why the policy refuses this argument key, or undefined when it allows it. */
export const refusal = (key: string, policy: ArgumentPolicy): string | undefined => {
  if (key.toLowerCase().startsWith(LAUNCHER_PREFIX)) {
    return 'the --launch-* arguments are set by the launcher alone (use "idempotencyKey" for the key)';
  }
  if (policy.mode === 'any') return undefined;
  if (policy.mode === 'list') {
    return policy.keys.has(key)
      ? undefined
      : `ALLOWED_RUN_ARGUMENTS=${describePolicy(policy)} does not list it (add it to the ${parameterOf('ALLOWED_RUN_ARGUMENTS')} to allow it)`;
  }
  if (!isGlueParameter(key)) return undefined;
  const abbreviated = abbreviatedParameter(key);
  const why =
    abbreviated === undefined
      ? 'Glue reads this one itself'
      : `a Glue script's argument parser would read it as ${abbreviated}, which it abbreviates`;
  return `ALLOWED_RUN_ARGUMENTS=safe lets a request set only the job's own arguments, and ${why} (docs/argument-policy.md); list it in ${setting('ALLOWED_RUN_ARGUMENTS')} to allow it on purpose`;
};

/** Why the policy refuses one of the request's run settings, or undefined. */
const settingRefusal = (request: LaunchRequest, policy: ArgumentPolicy): [string, string] | undefined => {
  if (policy.mode === 'any') return undefined;
  const named = `ALLOWED_RUN_ARGUMENTS=${describePolicy(policy)}`;
  if (request.securityConfiguration !== undefined) {
    return [
      'securityConfiguration',
      `${named} refuses it: it chooses the run's encryption (set the ${parameterOf('ALLOWED_RUN_ARGUMENTS')} to "*" to allow it)`,
    ];
  }
  if (request.numberOfWorkers !== undefined && request.numberOfWorkers > policy.maxWorkers) {
    return [
      'numberOfWorkers',
      `${request.numberOfWorkers} is more than MAX_WORKERS=${policy.maxWorkers} (raise the ${parameterOf('MAX_WORKERS')} to allow it)`,
    ];
  }
  return undefined;
};

/** Refuses the whole plan, before any AWS call, if any request sets what the policy does not allow. */
export const checkArguments = (requests: readonly LaunchRequest[], policy: ArgumentPolicy): void => {
  for (const request of requests) {
    for (const key of Object.keys(request.arguments ?? {})) {
      const why = refusal(key, policy);
      if (why) throw argumentNotAllowed(request.jobName, `argument ${key}`, why);
    }
    const setting = settingRefusal(request, policy);
    if (setting) throw argumentNotAllowed(request.jobName, `run setting ${setting[0]}`, setting[1]);
  }
};
