import { LauncherError } from '../errors';
import type { Allowlist, LaunchRequest } from './plan';

/** Refuses the whole plan, before any AWS call, if any of its jobs is not allowed. */
export const checkAllowed = (requests: readonly LaunchRequest[], allowlist: Allowlist): void => {
  if (allowlist.any) return;
  const refused = [...new Set(requests.map((r) => r.jobName).filter((name) => !allowlist.names.has(name)))];
  if (refused.length > 0) {
    throw new LauncherError(
      'JobNotAllowed',
      `Job ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not in ALLOWED_JOB_NAMES, so nothing was started.`,
    );
  }
};
