import type { FilePlan } from '../domain/requirements-file';
import { requirementsFileBody, requirementsFileKey } from '../domain/requirements-file';
import { isLauncherError, LauncherError } from '../errors';
import type { IndexAccess } from './access';
import { detailOf } from './failures';
import type { LaunchDeps } from './types';

/** One S3 call for a job; its failure is `TokenUnavailable`: the run cannot get its index, so it is not started. */
const tokenStep = async <T>(jobName: string, what: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (isLauncherError(error)) throw error;
    throw new LauncherError('TokenUnavailable', `Job ${jobName} was not started: ${what} (${detailOf(error)}).`);
  }
};

/**
 * Writes one run's requirements file and returns its S3 URI: the index line with the token, the modules, and the
 * job's own file's lines (read first, when it has one).
 */
export const writeRequirementsFile = async (
  jobName: string,
  plan: FilePlan,
  access: IndexAccess,
  deps: LaunchDeps,
): Promise<string> => {
  const requirements = deps.requirements;
  if (!requirements) throw new Error('requirements-file delivery without a bucket'); // config.ts rules it out
  const { location, store } = requirements;
  const own = plan.ownFile;
  const ownText =
    own === undefined
      ? ''
      : await tokenStep(jobName, `its own requirements file ${own} could not be read`, () => store.read(own));
  const key = requirementsFileKey(location, jobName, new Date(deps.clock()), crypto.randomUUID());
  const uri = `s3://${location.bucket}/${key}`;
  const body = requirementsFileBody(jobName, plan, deps.settings.pipIndexOption, access.url, ownText);
  await tokenStep(jobName, `the requirements file ${uri} could not be written`, () =>
    store.write(location.bucket, key, body),
  );
  return uri;
};
