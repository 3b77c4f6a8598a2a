import { pipDelivery } from '../domain/arguments';
import { judgeEarlier, requestDigest } from '../domain/idempotency';
import { jobKind } from '../domain/job-kind';
import { LauncherError } from '../errors';
import { lookupFailure } from './failures';
import type { JobFacts } from './round-trip';
import type { JobState, LaunchSettings } from './types';

/**
 * Everything that settles a job before a token exists: it is not found, it was already started by an earlier
 * delivery of this launch (or its key was used for another request), it is of the wrong kind, or pip could not be
 * given the launcher's index alone.
 */
export const assess = async (
  { request, job, earlier }: JobFacts,
  settings: Pick<LaunchSettings, 'tokenDelivery'>,
): Promise<JobState> => {
  const got = await job;
  if (!got.ok) return { kind: 'failed', request, error: lookupFailure(request.jobName, got.error) };
  const digest = requestDigest(request);
  if (request.idempotencyKey !== undefined && earlier) {
    const runs = await earlier;
    if (!runs.ok) return { kind: 'failed', request, error: lookupFailure(request.jobName, runs.error) };
    const run = runs.value.get(request.idempotencyKey);
    const judged = run && judgeEarlier(run, digest);
    if (judged?.verdict === 'reused') return { kind: 'reused', request, ...judged };
    if (judged?.verdict === 'conflict') {
      const message = `Job ${request.jobName} was not started: idempotency key ${request.idempotencyKey} already started run ${judged.jobRunId} for a different request (other arguments or run settings); use a new key for a new request.`;
      return { kind: 'failed', request, error: new LauncherError('IdempotencyConflict', message) };
    }
  }
  try {
    const delivery = pipDelivery(got.value, jobKind(got.value), request.arguments, settings.tokenDelivery);
    return { kind: 'ready', request, job: got.value, delivery, digest };
  } catch (error) {
    return { kind: 'failed', request, error };
  }
};
