import { jobNotAllowed } from '../errors';
import type { LaunchRequest } from '../plan';

/** Which jobs an invocation may start (`ALLOWED_JOB_NAMES`): `"*"` lets IAM alone bound it. */
export type Allowlist = { readonly any: true } | { readonly any: false; readonly names: ReadonlySet<string> };

/** Refuses the whole plan, before any AWS call, if any of its jobs is not allowed. */
export const checkAllowed = (requests: readonly LaunchRequest[], allowlist: Allowlist): void => {
  if (allowlist.any) return;
  const refused = [...new Set(requests.map((r) => r.jobName).filter((name) => !allowlist.names.has(name)))];
  if (refused.length > 0) throw jobNotAllowed(refused);
};
