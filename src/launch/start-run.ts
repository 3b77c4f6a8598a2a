import { fileArguments, indexArguments, mergeArguments, type PipDelivery, tokenDeliveryOf } from '../domain/arguments';
import { launchArguments } from '../domain/idempotency';
import { jobTimeoutMinutes, secondsNeeded } from '../domain/token';
import type { IndexAccess } from './access';
import { writeRequirementsFile } from './requirements';
import { startOnce } from './start-policy';
import type { Invocation, JobState, LaunchDeps, Ready } from './types';

/**
 * The arguments that bring the run its index: the URL itself, or the S3 URI of the file written for it (round trip
 * 3 in requirements-file delivery: the file is written before the run that reads it starts).
 */
const carry = async (jobName: string, delivery: PipDelivery, access: IndexAccess, deps: LaunchDeps) => {
  if (delivery.via !== 'requirements-file') {
    return { carrying: indexArguments(delivery, deps.settings.pipIndexOption, access.url), file: undefined };
  }
  const file = await writeRequirementsFile(jobName, delivery.plan, access, deps);
  return { carrying: fileArguments(delivery.plan, file), file };
};

/**
 * Round trip 2 for one ready job: its arguments merged and pointed at the index, the launcher's own arguments
 * added, the run started once. The token leaves the launcher only here, inside StartJobRun's arguments.
 */
export const startRun = async (
  { request, job, delivery, digest }: Ready,
  access: IndexAccess,
  invocation: Invocation,
  deps: LaunchDeps,
): Promise<JobState> => {
  const { arguments: requestArguments, idempotencyKey, jobName, ...runSettings } = request;
  const needed = secondsNeeded({ requestTimeout: request.timeout, jobTimeout: jobTimeoutMinutes(job) });
  if (access.durationSeconds < needed) {
    deps.logger.warn('Token may expire before the run ends', {
      jobName: job.name,
      tokenSeconds: access.durationSeconds,
      runNeedsSeconds: needed,
    });
  }
  const tokenDelivery = tokenDeliveryOf(delivery);
  try {
    const { carrying, file } = await carry(jobName, delivery, access, deps);
    const args = {
      ...mergeArguments(job, requestArguments, carrying),
      ...launchArguments(idempotencyKey, digest, access.expiresAt, tokenDelivery),
    };
    const jobRunId = await startOnce({ ...runSettings, jobName, arguments: args }, idempotencyKey, invocation, deps);
    invocation.progress.startedRun(jobName, jobRunId);
    deps.logger.info('Job run started', {
      jobName,
      jobRunId,
      indexHost: access.host,
      tokenExpiresAt: access.expiresAt.toISOString(),
      tokenDelivery,
      ...(file === undefined ? {} : { requirementsFile: file }),
      durationMs: invocation.elapsedMs(),
    });
    return { kind: 'started', request, jobRunId, tokenDelivery };
  } catch (error) {
    return { kind: 'failed', request, error };
  }
};
