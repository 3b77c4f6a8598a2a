/**
 * A standing refresh at scale, in one warm refresher container: a refresh of a quarter of the jobs, then of all of
 * them. One token each time; three calls per job (GetJob, GetObject, PutObject), ten jobs at a time; so the wall time
 * per job should not grow with the jobs (docs/standing-files.md).
 */
import type { StandIn } from '../local/standin/server';
import { BundleSession, REFRESHER_BUNDLE } from '../local/tools/bundle';
import { REQUIREMENTS_BUCKET, SOURCE_TEXT, SOURCES_BUCKET, standingJob } from '../local/tools/fixtures';
import { awsCalls } from './round-trips';

export interface StandingFigures {
  readonly jobs: number;
  readonly wallMs: number;
  readonly quarterWallMs: number;
  readonly tokenCalls: number;
  /** AWS calls of the whole refresh but the token's, per job. */
  readonly callsPerJob: number;
}

export const standingJobName = (i: number) => `standing-${String(i).padStart(3, '0')}`;

export const standingRefresh = async (
  standIn: StandIn,
  env: Record<string, string>,
  jobs: number,
  progress: (text: string) => void,
): Promise<StandingFigures> => {
  standIn.s3.createBucket(REQUIREMENTS_BUCKET);
  standIn.s3.createBucket(SOURCES_BUCKET);
  const names = Array.from({ length: jobs }, (_, i) => standingJobName(i));
  for (const name of names) {
    standIn.s3.put(SOURCES_BUCKET, `${name}/requirements.txt`, Buffer.from(SOURCE_TEXT), 'text/plain');
    standIn.createJob(standingJob(name));
  }
  const session = new BundleSession(
    { ...env, REQUIREMENTS_BUCKET, STANDING_JOB_NAMES: names.join(',') },
    { bundle: REFRESHER_BUNDLE },
  );
  const refresh = async (event: unknown) => {
    const before = standIn.calls.length;
    const { error, handlerMs } = await session.invoke(event, 300_000);
    if (error) throw new Error(`the standing refresh failed: ${error.name}: ${error.message}`);
    return { ms: handlerMs as number, calls: awsCalls(standIn.calls.slice(before)) };
  };
  try {
    progress(`standing refresh: warm-up, then ${jobs / 4} and ${jobs} jobs`);
    await refresh({ jobNames: [names[0]] }); // the container knows the repository's endpoint now
    const quarter = await refresh({ jobNames: names.slice(0, jobs / 4) });
    const all = await refresh({});
    const tokenCalls = all.calls.filter((call) => call.operation === 'GetAuthorizationToken').length;
    return {
      jobs,
      wallMs: all.ms,
      quarterWallMs: quarter.ms,
      tokenCalls,
      callsPerJob: (all.calls.length - tokenCalls) / jobs,
    };
  } finally {
    await session.close();
  }
};
