import { GetJobCommand, GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';
import { StandIn } from '../../local/standin/server';
import { REFRESHER_BUNDLE } from '../../local/tools/bundle';
import {
  REQUIREMENTS_BUCKET,
  SOURCE_TEXT,
  SOURCES_BUCKET,
  STANDING_PREFIX,
  standInClientConfig,
  standingJob,
} from '../../local/tools/fixtures';
import { readMetadata } from '../../src/pip/standing-file';
import { expectNoLeak } from '../helpers/secrets';
import { indexesPipRead, invokeAgainst, ONLY_THE_PRIVATE_INDEX } from '../helpers/stand-in';

// The standing refresher's bundle against the stand-in, then runs started as a Glue trigger, the console or Step
// Functions' .sync start them: StartJobRun on the job alone, not through the launcher. Real pip reads the standing
// file; once the refresher has stopped and the clock has passed the token's expiry, the same start fails with
// pip's own error.
jest.setTimeout(120_000);

let standIn: StandIn;
let glue: GlueClient;
const JOBS = ['orders-etl', 'billing-etl'];
const refresherEnv = () => ({
  REQUIREMENTS_BUCKET,
  STANDING_JOB_NAMES: JOBS.join(','),
  POWERTOOLS_LOG_LEVEL: 'DEBUG',
});
const refresh = (event: unknown = {}) => invokeAgainst(standIn, event, refresherEnv(), { bundle: REFRESHER_BUNDLE });
/** A run started as a trigger starts it: the job's name, no arguments. */
const startDirectly = async (jobName: string) => {
  const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: jobName }));
  return standIn.waitForRun(JobRunId as string);
};

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'pip' });
  glue = new GlueClient(standInClientConfig(standIn));
  standIn.s3.createBucket(REQUIREMENTS_BUCKET);
  standIn.s3.createBucket(SOURCES_BUCKET);
  for (const name of JOBS) {
    standIn.s3.put(SOURCES_BUCKET, `${name}/requirements.txt`, Buffer.from(SOURCE_TEXT), 'text/plain');
    standIn.createJob(standingJob(name));
  }
});
afterAll(() => standIn?.stop());

describe('standing requirements files serve runs started anywhere', () => {
  it('a refresh writes each file; a direct start installs the private package; a stale one fails with pip’s error', async () => {
    const before = await glue.send(new GetJobCommand({ JobName: 'orders-etl' }));
    const refreshed = await refresh();
    expect(refreshed.error).toBeUndefined();
    const token = standIn.issuedTokens().at(-1);
    expect(standIn.issuedTokens().length).toBe(1);
    expect(token?.durationSeconds).toBe(43_200);
    const result = refreshed.result as {
      refreshed: Array<{ jobName: string; requirementsFile: string; tokenExpiresAt: string }>;
    };
    expect(result).toEqual({
      refreshed: JOBS.map((jobName) => ({
        jobName,
        requirementsFile: `s3://${REQUIREMENTS_BUCKET}/${STANDING_PREFIX}${jobName}/requirements.txt`,
        tokenExpiresAt: new Date(Math.floor((token?.expiresAt ?? 0) / 1000) * 1000).toISOString(),
      })),
      failed: [],
    });
    const object = standIn.s3.get(REQUIREMENTS_BUCKET, `${STANDING_PREFIX}orders-etl/requirements.txt`);
    expect(object.body.toString()).toBe(
      `--index-url ${standIn.indexUrl(token?.token as string)}\nacme-pipelines==1.4.0\n`,
    );
    expect(readMetadata(object.metadata ?? {})?.tokenExpiresAt.toISOString()).toBe(result.refreshed[0]?.tokenExpiresAt);
    // The refresher started nothing and changed no job.
    expect(standIn.callsOf('StartJobRun')).toEqual([]);
    expect((await glue.send(new GetJobCommand({ JobName: 'orders-etl' }))).Job).toEqual(before.Job);

    const run = await startDirectly('orders-etl');
    expect(run.JobRunState).toBe('SUCCEEDED');
    expect(standIn.outcomeOf(run.Id)?.installed).toEqual(['acme-pipelines-1.4.0']);
    expect(indexesPipRead(standIn, run.Id)).toEqual([expect.stringMatching(ONLY_THE_PRIVATE_INDEX)]);
    const [start] = standIn.callsOf('StartJobRun');
    expectNoLeak(JSON.stringify(start?.input), token?.token as string);

    // The refresher stops; twelve hours and a minute later the file's token has expired.
    standIn.clock.advance(12 * 60 * 60 + 60);
    const stale = await startDirectly('orders-etl');
    expect(stale.JobRunState).toBe('FAILED');
    expect(stale.ErrorMessage).toMatch(/401|Unauthorized|No matching distribution found for acme-pipelines==1\.4\.0/);

    // The next refresh serves it again.
    expect((await refresh({ jobNames: ['orders-etl'] })).error).toBeUndefined();
    expect((await startDirectly('orders-etl')).JobRunState).toBe('SUCCEEDED');
  });

  it('a launch through the launcher: a fresh file is used as it is; a changed source is written first', async () => {
    expect((await refresh({ jobNames: ['billing-etl'] })).error).toBeUndefined();
    const launcherEnv = {
      GLUE_JOB_NAME: 'billing-etl',
      REQUIREMENTS_BUCKET,
      STANDING_JOB_NAMES: JOBS.join(','),
    };
    const puts = standIn.callsOf('PutObject').length;
    const fresh = await invokeAgainst(standIn, {}, launcherEnv);
    expect(fresh.result).toMatchObject({ jobName: 'billing-etl', tokenDelivery: 'standing-file' });
    expect(standIn.callsOf('PutObject').length).toBe(puts);
    const run = await standIn.waitForRun((fresh.result as { jobRunId: string }).jobRunId);
    expect(run.JobRunState).toBe('SUCCEEDED');
    // Its pip arguments are the job's own: the standing file, exactly -r; no token anywhere in them.
    expect(run.Arguments).toMatchObject({
      '--additional-python-modules': `s3://${REQUIREMENTS_BUCKET}/${STANDING_PREFIX}billing-etl/requirements.txt`,
      '--python-modules-installer-option': '-r',
    });

    // The team changes its requirements: the next launch writes the standing file from the source as it is now.
    standIn.s3.put(
      SOURCES_BUCKET,
      'billing-etl/requirements.txt',
      Buffer.from(`${SOURCE_TEXT}# pinned again\n`),
      'text/plain',
    );
    const changed = await invokeAgainst(standIn, {}, { ...launcherEnv, POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    expect(changed.result).toMatchObject({ tokenDelivery: 'standing-file' });
    expect(changed.logs).toContain('Standing file rewritten before the run');
    expect(standIn.callsOf('PutObject').length).toBe(puts + 1);
    const rerun = await standIn.waitForRun((changed.result as { jobRunId: string }).jobRunId);
    expect(rerun.JobRunState).toBe('SUCCEEDED');
  });

  it('drift is reported by name with the fix, the other jobs are still refreshed, and no token is said', async () => {
    standIn.createJob(standingJob('drifted-etl', { DefaultArguments: { '--additional-python-modules': 'pandas' } }));
    const invocation = await invokeAgainst(
      standIn,
      {},
      { ...refresherEnv(), STANDING_JOB_NAMES: 'orders-etl,drifted-etl' },
      { bundle: REFRESHER_BUNDLE },
    );
    expect(invocation.error?.name).toBe('StandingRefreshFailed');
    expect(invocation.error?.message).toBe(
      `1 of 2 standing files were not refreshed: InstallerOptionConflict: The standing file of job drifted-etl was not refreshed: its --additional-python-modules is "pandas", not its standing file; set its DefaultArguments to --additional-python-modules=s3://${REQUIREMENTS_BUCKET}/${STANDING_PREFIX}drifted-etl/requirements.txt, --python-modules-installer-option=-r and --launcher-requirements=s3://<bucket>/<key of your requirements.txt>. Refreshed: orders-etl.`,
    );
  });

  it('bad events and a bad configuration write nothing', async () => {
    const puts = standIn.callsOf('PutObject').length;
    const unknown = await refresh({ jobNames: ['nightly-etl'] });
    expect(unknown.error?.name).toBe('InvalidRequest');
    const misconfigured = await invokeAgainst(
      standIn,
      {},
      { ...refresherEnv(), REQUIREMENTS_BUCKET: '' },
      { bundle: REFRESHER_BUNDLE },
    );
    expect(misconfigured.error).toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining(
        'STANDING_JOB_NAMES (template parameter StandingJobNames) is set, but REQUIREMENTS_BUCKET is not',
      ),
    });
    expect(standIn.callsOf('PutObject').length).toBe(puts);
  });
});
