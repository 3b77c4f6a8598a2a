import type { FilePlan } from '../domain/requirements-file';
import { requirementsFileBody, requirementsFileKey } from '../domain/requirements-file';
import { isLauncherError, LauncherError } from '../errors';
import type { IndexAccess } from './access';
import { detailOf } from './failures';
import type { LaunchDeps } from './types';

/**
 * Writes one run's requirements file and returns its S3 URI: the index line with the token, the modules, and the
 * job's own file's lines (read first, when it has one). A failure is `TokenUnavailable`: the run cannot get its
 * index, so it is not started.
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
  const key = requirementsFileKey(location, jobName, new Date(deps.clock()), crypto.randomUUID());
  const uri = `s3://${location.bucket}/${key}`;
  let step = plan.ownFile === undefined ? 'write' : 'read';
  try {
    const own = plan.ownFile === undefined ? '' : await store.read(plan.ownFile);
    step = 'write';
    const body = requirementsFileBody(jobName, plan, deps.settings.pipIndexOption, access.url, own);
    await store.write(location.bucket, key, body);
    return uri;
  } catch (error) {
    if (isLauncherError(error)) throw error;
    const what =
      step === 'read'
        ? `its own requirements file ${plan.ownFile} could not be read`
        : `the requirements file ${uri} could not be written`;
    throw new LauncherError('TokenUnavailable', `Job ${jobName} was not started: ${what} (${detailOf(error)}).`);
  }
};
