import { argumentNotAllowed, parameterOf, variableText } from '../errors';
import { SOURCE_OPTION } from '../pip/standing-file';
import type { LaunchRequest } from '../plan';
import { abbreviatedParameter, glueParameterOf, ownKeyFor } from './glue-parameters';

/**
 * What a caller may set (`ALLOWED_RUN_ARGUMENTS`): anyone who may invoke the launcher can start the allowed jobs,
 * so a request gets a run of an allowed job and nothing more (docs/adr/0008-the-launcher-as-a-privilege-boundary.md).
 * `safe`: the job's own arguments only, never a parameter Glue reads itself; a list: exactly those keys; `*`: any.
 * Under `safe` and a list, a request may not choose the run's security configuration, lift the job's concurrency
 * limit (`jobRunQueuingEnabled`), nor ask for more than `MAX_DPU` DPUs (worker size times count).
 */
export type ArgumentPolicy =
  | { readonly mode: 'safe'; readonly maxDpu: number }
  | { readonly mode: 'any' }
  | { readonly mode: 'list'; readonly keys: ReadonlySet<string>; readonly maxDpu: number };

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
 * `MAX_DPU`'s default: the size Glue gives a run by default (10 DPUs, StartJobRun's API reference). A caller must
 * not be able to scale a run far past it unasked: 10 G.8X workers are 80 DPUs.
 */
export const DEFAULT_MAX_DPU = 10;
/** The most `MAX_DPU` may be set to: Glue's own ceiling of workers for a run (299 G.1X), at the largest size (16). */
export const GLUE_MAX_DPU = 299 * 16;

/**
 * The DPUs of one worker of each type Glue documents ("AWS Glue worker types"; Standard and Z.2X from StartJobRun's
 * API reference): R types count their memory-optimised M-DPUs. A type not listed is refused under `safe` and a list:
 * its size is not known, so neither is the run's.
 */
export const WORKER_DPU: Readonly<Record<string, number>> = {
  Standard: 1,
  'G.025X': 0.25,
  'G.1X': 1,
  'G.2X': 2,
  'G.4X': 4,
  'G.8X': 8,
  'G.12X': 12,
  'G.16X': 16,
  'R.1X': 1,
  'R.2X': 2,
  'R.4X': 4,
  'R.8X': 8,
  'Z.2X': 2,
};

/** A policy that refuses something, as its variable is written: `safe`, or its list. */
function describePolicy(policy: Exclude<ArgumentPolicy, { mode: 'any' }>): string {
  return policy.mode === 'list' ? [...policy.keys].join(',') : 'safe';
}

/** Why the policy refuses this argument key, or undefined when it allows it. */
export function refusal(key: string, policy: ArgumentPolicy): string | undefined {
  if (key.toLowerCase().startsWith(LAUNCHER_PREFIX)) {
    return 'the --launch-* arguments are set by the launcher alone (use "idempotencyKey" for the key)';
  }
  if (key.toLowerCase() === SOURCE_OPTION) {
    return `${SOURCE_OPTION} names what a standing file is written from, which a job's DefaultArguments alone say (docs/standing-files.md)`;
  }
  if (policy.mode === 'any') return undefined;
  if (policy.mode === 'list') {
    return policy.keys.has(key)
      ? undefined
      : `ALLOWED_RUN_ARGUMENTS=${describePolicy(policy)} does not list it (add it to the ${parameterOf('ALLOWED_RUN_ARGUMENTS')} to allow it)`;
  }
  const parameter = glueParameterOf(key);
  const abbreviated = abbreviatedParameter(key);
  if (parameter === undefined && abbreviated === undefined) return undefined;
  const why =
    parameter !== undefined
      ? `Glue reads ${parameter} itself`
      : `a Glue script's argument parser (up to Glue 5.0) would read it as ${abbreviated}, which it abbreviates`;
  return `ALLOWED_RUN_ARGUMENTS=safe lets a request set only the job's own arguments, and ${why} (docs/argument-policy.md); name the job's own argument differently (${ownKeyFor(key)} would pass), or list the key in ${variableText('ALLOWED_RUN_ARGUMENTS')} to allow it on purpose`;
}

/** What a run's size is made of: the request's worker type and count, over the job's own. */
export interface RunSize {
  readonly workerType: string | undefined;
  readonly numberOfWorkers: number | undefined;
}

/**
 * The DPUs a run of this size asks for, or undefined when its count is not known. A job without a worker type (one
 * sized by MaxCapacity) counts 1 DPU a worker, as Standard and G.1X workers are.
 */
export function dpuOf({ workerType, numberOfWorkers }: RunSize): number | undefined {
  const size = workerType === undefined ? 1 : WORKER_DPU[workerType];
  return size === undefined || numberOfWorkers === undefined ? undefined : size * numberOfWorkers;
}

/**
 * Why the policy refuses the run's size, or undefined. `job`: the job's own worker type and count, which count where
 * the request sets only one of them (known after GetJob); without it, only what the request alone says is judged.
 */
export function sizeRefusal(
  request: LaunchRequest,
  policy: ArgumentPolicy,
  job?: RunSize,
): [string, string] | undefined {
  if (policy.mode === 'any') return undefined;
  const { workerType, numberOfWorkers } = request;
  if (workerType === undefined && numberOfWorkers === undefined) return undefined;
  // A type the launcher does not know has no size to bound: the request's own is refused at once; the job's own,
  // where the request sets only the count, once GetJob has said it.
  const type = workerType ?? job?.workerType;
  if (type !== undefined && WORKER_DPU[type] === undefined) {
    const whose = workerType === undefined ? "the job's worker type " : '';
    return [
      workerType === undefined ? 'numberOfWorkers' : 'workerType',
      `${whose}${JSON.stringify(type)} is not a worker type whose size the launcher knows (${Object.keys(WORKER_DPU).join(', ')}), so the run's DPUs could not be bounded by MAX_DPU`,
    ];
  }
  // Before GetJob, a request that sets only one of them is judged once the job's other is known.
  if (job === undefined && (workerType === undefined || numberOfWorkers === undefined)) return undefined;
  const size = { workerType: type, numberOfWorkers: numberOfWorkers ?? job?.numberOfWorkers };
  const dpu = dpuOf(size);
  if (dpu === undefined || dpu <= policy.maxDpu) return undefined;
  const field = numberOfWorkers === undefined ? 'workerType' : 'numberOfWorkers';
  return [
    field,
    `${size.numberOfWorkers} ${size.workerType ?? 'Standard or G.1X'} workers are ${dpu} DPUs, more than MAX_DPU=${policy.maxDpu} (raise the ${parameterOf('MAX_DPU')} to allow it)`,
  ];
}

/** Why the policy refuses one of the request's run settings, or undefined. */
function settingRefusal(request: LaunchRequest, policy: ArgumentPolicy): [string, string] | undefined {
  if (policy.mode === 'any') return undefined;
  const named = `ALLOWED_RUN_ARGUMENTS=${describePolicy(policy)}`;
  if (request.securityConfiguration !== undefined) {
    return [
      'securityConfiguration',
      `${named} refuses it: it chooses the run's encryption (set the ${parameterOf('ALLOWED_RUN_ARGUMENTS')} to "*" to allow it)`,
    ];
  }
  if (request.jobRunQueuingEnabled !== undefined) {
    return [
      'jobRunQueuingEnabled',
      `${named} refuses it: it lifts the job's concurrency limit, which keeps a second start of one launch from running (set the ${parameterOf('ALLOWED_RUN_ARGUMENTS')} to "*" to allow it)`,
    ];
  }
  return sizeRefusal(request, policy);
}

/** Refuses the whole plan, before any AWS call, if any request sets what the policy does not allow. */
export function checkArguments(requests: readonly LaunchRequest[], policy: ArgumentPolicy): void {
  for (const request of requests) {
    for (const key of Object.keys(request.arguments ?? {})) {
      const why = refusal(key, policy);
      if (why) throw argumentNotAllowed(request.jobName, `argument ${key}`, why);
    }
    const setting = settingRefusal(request, policy);
    if (setting) throw argumentNotAllowed(request.jobName, `run setting ${setting[0]}`, setting[1]);
  }
}

/** Refuses a request whose run, with the job's own worker type or count, would pass MAX_DPU (after GetJob). */
export function checkRunSize(request: LaunchRequest, policy: ArgumentPolicy, job: RunSize): void {
  const refused = sizeRefusal(request, policy, job);
  if (refused) throw argumentNotAllowed(request.jobName, `run setting ${refused[0]}`, refused[1]);
}
