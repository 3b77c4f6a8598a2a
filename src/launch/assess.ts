import { installerOptionBase } from '../domain/arguments';
import { findLaunch } from '../domain/idempotency';
import { checkJobKind } from '../domain/job-kind';
import { lookupFailure } from './failures';
import type { JobFacts } from './round-trip';
import type { JobState } from './types';

/**
 * Everything that settles a job before a token exists: it is not found, it was already started by an earlier
 * delivery of this launch, it is of the wrong kind, or its installer option cannot carry the index.
 */
export const assess = async ({ request, job, runs: recentRuns }: JobFacts): Promise<JobState> => {
  const got = await job;
  if (!got.ok) return { kind: 'failed', request, error: lookupFailure(request.jobName, got.error) };
  if (request.idempotencyKey !== undefined && recentRuns) {
    const runs = await recentRuns;
    if (!runs.ok) return { kind: 'failed', request, error: lookupFailure(request.jobName, runs.error) };
    const earlier = findLaunch(runs.value, request.idempotencyKey);
    if (earlier) return { kind: 'reused', request, ...earlier };
  }
  try {
    checkJobKind(got.value);
    const installerOption = installerOptionBase(got.value, request.arguments);
    return { kind: 'ready', request, job: got.value, installerOption };
  } catch (error) {
    return { kind: 'failed', request, error };
  }
};
