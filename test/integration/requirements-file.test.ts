import { GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';
import { StandIn } from '../../local/standin/server';
import { BUNDLE, bundleFor } from '../../local/tools/bundle';
import { OTHER_PIP_OPTIONS, PRIVATE_REQUIREMENT, standInClientConfig, teamJob } from '../../local/tools/fixtures';
import { expectNoLeak } from '../helpers/secrets';
import { indexesPipRead, invokeAgainst, ONLY_THE_PRIVATE_INDEX, runIdOf } from '../helpers/stand-in';

// Requirements-file delivery through the built bundle (the handler with S3 in it), the real SDK's S3 client against
// the stand-in's S3, and Glue 5 runs that download the file and hand it to real pip.
jest.setTimeout(60_000);

let standIn: StandIn;
const BUCKET = 'launcher-requirements';
const ODD_NAMES = ['etl job+1', 'étl-ünïcode', '..'];
const JOBS = ['glue5-etl', 'glue4-etl', 'own-file-etl', 'plain-file-etl', ...ODD_NAMES];
const FILE = {
  ALLOWED_JOB_NAMES: JOBS.join(','),
  GLUE_JOB_NAME: 'glue5-etl',
  TOKEN_DELIVERY: 'requirements-file',
  REQUIREMENTS_BUCKET: BUCKET,
};

const staleIndex = () => standIn.indexUrl(standIn.codeartifact.issueExpired(3600));

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'pip' });
  standIn.s3.createBucket(BUCKET);
  standIn.s3.createBucket('team-bucket');
  standIn.createJob(teamJob('glue5-etl'));
  standIn.createJob(teamJob('glue4-etl', { GlueVersion: '4.0' }));
  // A team's own requirements file, with a stale index line in it.
  standIn.s3.put(
    'team-bucket',
    'etl/requirements.txt',
    Buffer.from(`-i ${staleIndex()}\n${PRIVATE_REQUIREMENT}\n`),
    'text/plain',
  );
  standIn.createJob(
    teamJob('own-file-etl', {
      DefaultArguments: {
        '--additional-python-modules': 's3://team-bucket/etl/requirements.txt',
        '--python-modules-installer-option': '--prefer-binary -r',
      },
    }),
  );
  standIn.s3.put('team-bucket', 'etl/plain.txt', Buffer.from(`${PRIVATE_REQUIREMENT}\n`), 'text/plain');
  standIn.createJob(
    teamJob('plain-file-etl', {
      DefaultArguments: {
        '--additional-python-modules': 's3://team-bucket/etl/plain.txt',
        '--python-modules-installer-option': '-r',
      },
    }),
  );
  for (const name of ODD_NAMES) standIn.createJob(teamJob(name));
});
afterAll(() => standIn?.stop());
afterEach(() => standIn.faults.clear());

describe('requirements-file delivery', () => {
  it('no token in any StartJobRun parameter, log line or result, in any spelling; pip reads it from the file', async () => {
    const invocation = await invokeAgainst(
      standIn,
      { jobName: 'glue5-etl', idempotencyKey: 'scan-1' },
      {
        ...FILE,
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
      },
    );
    const id = runIdOf(invocation);
    const token = standIn.issuedTokens().at(-1)?.token as string;
    const [start] = standIn.callsOf('StartJobRun').slice(-1);
    expectNoLeak(JSON.stringify(start?.input), token);
    expectNoLeak(`${invocation.logs}${JSON.stringify(invocation.result)}`, token);
    expect(invocation.result).toMatchObject({ jobRunId: id, tokenDelivery: 'requirements-file' });

    const run = await standIn.waitForRun(id);
    expect(run.JobRunState).toBe('SUCCEEDED');
    expect(standIn.outcomeOf(id)?.installed).toEqual(['acme-pipelines-1.4.0']);
    expect(indexesPipRead(standIn, id)).toEqual([expect.stringMatching(ONLY_THE_PRIVATE_INDEX)]);
    const file = run.Arguments['--additional-python-modules'] as string;
    expect(file).toMatch(new RegExp(`^s3://${BUCKET}/glue-launcher/glue5-etl/\\d{4}-\\d\\d-\\d\\d/[\\w-]+\\.txt$`));
    // Exactly -r, the only installer option AWS documents with a file; the job's other options moved into it.
    expect(run.Arguments['--python-modules-installer-option']).toBe('-r');
    expect(standIn.s3.byUri(file)?.body.toString()).toBe(
      `--index-url ${standIn.indexUrl(token)}\n${OTHER_PIP_OPTIONS.replace(' ', '\n')}\n${PRIVATE_REQUIREMENT}\n`,
    );
  });

  it('a run started as-is with a stale requirements file fails: pip reads the file’s index line', async () => {
    standIn.s3.put(
      BUCKET,
      'stale.txt',
      Buffer.from(`--index-url ${staleIndex()}\n${PRIVATE_REQUIREMENT}\n`),
      'text/plain',
    );
    const glue = new GlueClient(standInClientConfig(standIn));
    const { JobRunId } = await glue.send(
      new StartJobRunCommand({
        JobName: 'glue5-etl',
        Arguments: {
          '--additional-python-modules': `s3://${BUCKET}/stale.txt`,
          '--python-modules-installer-option': '-r',
        },
      }),
    );
    const run = await standIn.waitForRun(JobRunId as string);
    expect(run.JobRunState).toBe('FAILED');
    expect(run.ErrorMessage).toMatch(/No matching distribution found for acme-pipelines==1\.4\.0/);
  });

  it('a job’s own requirements file is carried over, its stale index line dropped', async () => {
    const id = runIdOf(await invokeAgainst(standIn, { jobName: 'own-file-etl' }, FILE));
    const run = await standIn.waitForRun(id);
    expect(run.JobRunState).toBe('SUCCEEDED');
    expect(indexesPipRead(standIn, id)).toEqual([expect.stringMatching(ONLY_THE_PRIVATE_INDEX)]);
    expect(run.Arguments['--python-modules-installer-option']).toBe('-r');
    expect(standIn.callsOf('GetObject').at(-1)?.input).toEqual({ Bucket: 'team-bucket', Key: 'etl/requirements.txt' });
  });

  it('a job named with spaces, +, unicode or .. gets a key of [A-Za-z0-9._/-] under the prefix, and its run installs', async () => {
    for (const jobName of ODD_NAMES) {
      const id = runIdOf(await invokeAgainst(standIn, { jobName }, FILE));
      const run = await standIn.waitForRun(id);
      const key = (run.Arguments['--additional-python-modules'] as string).replace(`s3://${BUCKET}/`, '');
      expect(key).toMatch(/^glue-launcher\/[A-Za-z0-9._-]+\/\d{4}-\d\d-\d\d\/[\w-]+\.txt$/);
      expect(key.split('/').filter((segment) => segment === '.' || segment === '..')).toEqual([]);
      expect(run.JobRunState).toBe('SUCCEEDED');
    }
  });

  it('a write S3 refuses is TokenUnavailable, and nothing starts', async () => {
    standIn.failNext('PutObject', 1, 'accessDenied');
    const runs = standIn.runs('glue5-etl').length;
    const { error } = await invokeAgainst(standIn, { jobName: 'glue5-etl' }, FILE);
    expect(error?.name).toBe('TokenUnavailable');
    expect(error?.message).toMatch(/could not be written \(AccessDenied: Access Denied\)\.$/);
    expect(standIn.runs('glue5-etl')).toHaveLength(runs);
  });

  it('a Glue 4.0 job is UnsupportedJobType in requirements-file delivery', async () => {
    const { error } = await invokeAgainst(standIn, { jobName: 'glue4-etl' }, FILE);
    expect(error?.name).toBe('UnsupportedJobType');
    expect(error?.message).toMatch(/it runs Glue 4\.0, and only Glue 5\.0 and later read a requirements file/);
  });
});

describe('what a deployment with requirements files loads, and when', () => {
  // docs/adr/0015-a-handler-bundle-per-deployment.md: Lambda's init phase pays for the S3 client, not a launch.
  it('the handler the template deploys for it holds S3: everything is loaded when the import returns', async () => {
    expect(bundleFor(FILE)).toMatch(/dist\/handler-s3\.cjs$/);
    const invocation = await invokeAgainst(standIn, { jobName: 'own-file-etl' }, FILE);
    expect(invocation.result).toMatchObject({ tokenDelivery: 'requirements-file' });
    expect(invocation.loadedLater).toEqual([]);
  });

  it('the Glue-and-CodeArtifact handler never loads S3 in arguments delivery, a job with its own file refused unread', async () => {
    const env = { ALLOWED_JOB_NAMES: JOBS.join(','), GLUE_JOB_NAME: 'glue5-etl' };
    const plain = await invokeAgainst(standIn, { jobName: 'glue5-etl' }, env, { bundle: BUNDLE });
    expect(plain.loadedLater).toEqual([]);
    const ownFile = await invokeAgainst(standIn, { jobName: 'plain-file-etl' }, env, { bundle: BUNDLE });
    expect(ownFile.error?.name).toBe('UnsupportedJobType');
    expect(ownFile.loadedLater).toEqual([]);
    // Deployed for file delivery by hand (0.2's arrangement), it still works, but its S3 bundle finishes loading after
    // the import returned: in the first launch, not in init.
    const byHand = await invokeAgainst(standIn, { jobName: 'glue5-etl' }, FILE, { bundle: BUNDLE });
    expect(byHand.result).toMatchObject({ tokenDelivery: 'requirements-file' });
    expect(byHand.loadedLater).toEqual(['aws/requirements-store.cjs']);
  });
});

describe('a Glue 5 job whose own requirements file names a stale index', () => {
  const ARGUMENTS = { ALLOWED_JOB_NAMES: JOBS.join(','), GLUE_JOB_NAME: 'own-file-etl' };

  it('an arguments-only deployment refuses it, naming the settings that serve it, before reading it; nothing starts', async () => {
    const runs = standIn.runs('own-file-etl').length;
    const reads = standIn.callsOf('GetObject').length;
    const { error } = await invokeAgainst(standIn, { jobName: 'own-file-etl' }, ARGUMENTS);
    expect(error?.name).toBe('UnsupportedJobType');
    expect(error?.message).toBe(
      'Job own-file-etl was not started: its --additional-python-modules is its own requirements file s3://team-bucket/etl/requirements.txt, which pip would read itself, comments, encoding and all, and which the launcher serves only as a file it writes: set the template parameter TokenDelivery to auto (with the bucket the template then creates) or requirements-file, or serve the job with a standing requirements file.',
    );
    expect([standIn.runs('own-file-etl').length, standIn.callsOf('GetObject').length]).toEqual([runs, reads]);
  });

  it('auto starts it with the file, and real pip installs the private package from the launcher’s index alone', async () => {
    const invocation = await invokeAgainst(standIn, { jobName: 'own-file-etl' }, { ...FILE, TOKEN_DELIVERY: 'auto' });
    expect(invocation.result).toMatchObject({ tokenDelivery: 'requirements-file' });
    const id = runIdOf(invocation);
    const run = await standIn.waitForRun(id);
    expect(run.JobRunState).toBe('SUCCEEDED');
    expect(standIn.outcomeOf(id)?.installed).toEqual(['acme-pipelines-1.4.0']);
    expect(indexesPipRead(standIn, id)).toEqual([expect.stringMatching(ONLY_THE_PRIVATE_INDEX)]);
  });
});

describe('auto delivery', () => {
  it('a Glue 4.0 job still gets arguments delivery, a Glue 5.0 job gets the file; both install', async () => {
    const invocation = await invokeAgainst(
      standIn,
      { jobs: [{ jobName: 'glue4-etl' }, { jobName: 'glue5-etl' }] },
      { ...FILE, TOKEN_DELIVERY: 'auto' },
    );
    const runs = (invocation.result as { runs: Array<{ jobName: string; jobRunId: string; tokenDelivery: string }> })
      .runs;
    expect(runs.map(({ jobName, tokenDelivery }) => [jobName, tokenDelivery])).toEqual([
      ['glue4-etl', 'arguments'],
      ['glue5-etl', 'requirements-file'],
    ]);
    for (const { jobRunId } of runs) expect((await standIn.waitForRun(jobRunId)).JobRunState).toBe('SUCCEEDED');
    const glue4 = standIn.runs('glue4-etl').find((run) => run.Id === runs[0]?.jobRunId);
    expect(glue4?.Arguments['--python-modules-installer-option']).toMatch(/^--index-url=http:\/\/aws:/);
  });
});
