import { argumentNotAllowed } from '../errors';
import type { LaunchRequest } from '../plan';

/**
 * Which run arguments a caller may set (`ALLOWED_RUN_ARGUMENTS`): anyone who may invoke the launcher can start the
 * allowed jobs, so a request must not change what code a run executes or where it comes from.
 */
export type ArgumentPolicy =
  | { readonly mode: 'safe' }
  | { readonly mode: 'any' }
  | { readonly mode: 'list'; readonly keys: ReadonlySet<string> };

/** Set by the launcher alone, on every run: a request may never set them. */
export const LAUNCHER_PREFIX = '--launch-';

/** The arguments that choose a run's code, its dependencies, its pip or its environment (refused by `safe`). */
export const PROTECTED_ARGUMENTS: readonly string[] = [
  '--scriptLocation',
  '--extra-py-files',
  '--extra-jars',
  '--extra-files',
  '--user-jars-first',
  '--class',
  '--job-language',
  '--additional-python-modules',
  '--python-modules-installer-option',
  '--python-virtual-env',
  '--python-virtual-env-storage-prefix',
  '--conf',
  '--customer-driver-env-vars',
  '--customer-executor-env-vars',
];
// Compared without case: a key that differs from a protected one by case alone is refused too.
const PROTECTED: ReadonlySet<string> = new Set(PROTECTED_ARGUMENTS.map((key) => key.toLowerCase()));

export const describePolicy = (policy: ArgumentPolicy): string =>
  policy.mode === 'list' ? [...policy.keys].join(',') : policy.mode === 'any' ? '*' : 'safe';

/** Why the policy refuses this key, or undefined when it allows it. */
export const refusal = (key: string, policy: ArgumentPolicy): string | undefined => {
  if (key.toLowerCase().startsWith(LAUNCHER_PREFIX)) {
    return 'the --launch-* arguments are set by the launcher alone (use "idempotencyKey" for the key)';
  }
  if (policy.mode === 'any') return undefined;
  if (policy.mode === 'list') {
    return policy.keys.has(key) ? undefined : `ALLOWED_RUN_ARGUMENTS=${describePolicy(policy)} does not list it`;
  }
  return PROTECTED.has(key.toLowerCase())
    ? 'ALLOWED_RUN_ARGUMENTS=safe refuses it: it changes what code the run executes or where that code comes from'
    : undefined;
};

/** Refuses the whole plan, before any AWS call, if any request sets an argument the policy does not allow. */
export const checkArguments = (requests: readonly LaunchRequest[], policy: ArgumentPolicy): void => {
  for (const { jobName, arguments: args } of requests) {
    for (const key of Object.keys(args ?? {})) {
      const why = refusal(key, policy);
      if (why) throw argumentNotAllowed(jobName, key, why);
    }
  }
};
