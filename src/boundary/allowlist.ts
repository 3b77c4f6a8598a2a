import { jobNotAllowed } from '../errors';
import type { LaunchRequest } from '../plan';

/**
 * A Glue job name as Glue's API defines it: 1 to 255 characters, none a control character. The controls are spelled
 * out, U+0000-U+001F and U+007F-U+009F, which is exactly Unicode's Cc (a set its stability policy declares immutable,
 * unicode.org/policies/property_value_stability_table.html): `\p{Cc}` would mean the same, but makes V8 build the set
 * through ICU at every cold start, about 2 million instructions (docs/performance.md).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses
export const GLUE_JOB_NAME = /^[^\0-\x1f\x7f-\x9f]{1,255}$/u;

/**
 * Which jobs an invocation may start (`ALLOWED_JOB_NAMES`): `"*"` lets IAM alone bound it; otherwise exact names, and
 * prefixes written `etl-*`, read the way IAM reads the same entry in the role's job ARNs (the template builds one
 * from each), so that the launcher and its role never disagree about which jobs are allowed.
 */
export type Allowlist =
  | { readonly any: true }
  | { readonly any: false; readonly names: ReadonlySet<string>; readonly prefixes: readonly string[] };

/** Whether the allowlist lets this job be started. */
export function isAllowed(allowlist: Allowlist, jobName: string): boolean {
  return (
    allowlist.any || allowlist.names.has(jobName) || allowlist.prefixes.some((prefix) => jobName.startsWith(prefix))
  );
}

/** Refuses the whole plan, before any AWS call, if any of its jobs is not allowed. */
export function checkAllowed(requests: readonly LaunchRequest[], allowlist: Allowlist): void {
  const refused = [...new Set(requests.map((r) => r.jobName).filter((name) => !isAllowed(allowlist, name)))];
  if (refused.length > 0) throw jobNotAllowed(refused);
}
