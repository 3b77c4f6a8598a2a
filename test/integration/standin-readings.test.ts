import { GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';
import type { OptionSplit, RequirementsMode, ShellReading } from '../../local/standin/installer';
import { StandIn } from '../../local/standin/server';
import { PRIVATE_REQUIREMENT, pythonShellJob, standInClientConfig, teamJob } from '../../local/tools/fixtures';
import { indexesPipRead, invokeAgainst, ONLY_THE_PRIVATE_INDEX, runIdOf } from '../helpers/stand-in';

// What AWS does not document, switched in the stand-in, and the launcher's file and Python shell paths run under each
// reading with real pip (docs/standin.md, Readings): how Glue hands the installer option to pip (split at spaces, or
// one argument), when it reads the modules as a requirements file (an installer option of exactly `-r`, or one that
// ends so), and how a Python shell value becomes pip calls. A construction is right only if it is right under all.
jest.setTimeout(90_000);

let standIn: StandIn;
let glue: GlueClient;
const BUCKET = 'launcher-requirements';
const OWN = 's3://team-bucket/etl/requirements.txt';
const ENV = {
  ALLOWED_JOB_NAMES: 'glue5-etl,own-file-etl,shell-etl,no-version-etl,queued-etl',
  GLUE_JOB_NAME: 'glue5-etl',
  TOKEN_DELIVERY: 'auto',
  REQUIREMENTS_BUCKET: BUCKET,
};

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'pip' });
  glue = new GlueClient(standInClientConfig(standIn));
  standIn.s3.createBucket(BUCKET);
  standIn.s3.createBucket('team-bucket');
  const stale = standIn.indexUrl(standIn.codeartifact.issueExpired(3600));
  // A team's own file as pip-compile writes it (a continued line), with a stale index line and a comment.
  standIn.s3.put(
    'team-bucket',
    'etl/requirements.txt',
    Buffer.from(`# team deps — pinned\n-i ${stale}\n${PRIVATE_REQUIREMENT} \\\n    # via -r requirements.in\n`),
    'text/plain',
  );
  standIn.createJob(
    teamJob('glue5-etl', {
      DefaultArguments: {
        '--additional-python-modules': PRIVATE_REQUIREMENT,
        '--python-modules-installer-option': `-i ${stale} --prefer-binary --no-cache-dir -q`,
      },
    }),
  );
  standIn.createJob(
    teamJob('own-file-etl', {
      DefaultArguments: {
        '--additional-python-modules': OWN,
        '--python-modules-installer-option': '--prefer-binary -r',
      },
    }),
  );
  standIn.createJob(pythonShellJob('shell-etl', stale));
  standIn.s3.put('team-bucket', 'etl/plain.txt', Buffer.from(`${PRIVATE_REQUIREMENT}\n`), 'text/plain');
  standIn.createJob(
    teamJob('plain-own-etl', {
      DefaultArguments: {
        '--additional-python-modules': 's3://team-bucket/etl/plain.txt',
        '--python-modules-installer-option': '-r',
      },
    }),
  );
  standIn.createJob(teamJob('no-version-etl'));
  standIn.glue.withoutGlueVersion.add('no-version-etl');
  standIn.createJob(teamJob('queued-etl', { ExecutionProperty: { MaxConcurrentRuns: 1 } }));
});
afterAll(async () => {
  glue?.destroy();
  await standIn?.stop();
});
afterEach(() => {
  standIn.installerOptionSplit = 'spaces';
  standIn.requirementsMode = 'trailing-r';
  standIn.pythonShellReading = 'one-pip';
});

/** Launches through the built bundle and waits for the run: its state, what it installed, which indexes pip read. */
const launchAndRun = async (jobName: string) => {
  const id = runIdOf(await invokeAgainst(standIn, { jobName }, ENV));
  const run = await standIn.waitForRun(id);
  return { state: run.JobRunState, installed: standIn.outcomeOf(id)?.installed, indexes: indexesPipRead(standIn, id) };
};

// Each reading of each switch once (pip runs are what this suite pays for): the launcher's constructions do not
// depend on the pairing, since the file delivery's option is exactly `-r` whatever splits it.
const READINGS: Array<[OptionSplit, RequirementsMode]> = [
  ['spaces', 'exact-r'],
  ['one-argument', 'trailing-r'],
];

describe('file delivery is right under every reading of the installer option and of requirements mode', () => {
  it.each(READINGS)('installer option split at %s, requirements mode %s', async (split, mode) => {
    standIn.installerOptionSplit = split;
    standIn.requirementsMode = mode;
    const ran = {
      state: 'SUCCEEDED',
      installed: ['acme-pipelines-1.4.0'],
      indexes: [expect.stringMatching(ONLY_THE_PRIVATE_INDEX)],
    };
    expect(await Promise.all(['glue5-etl', 'own-file-etl'].map(launchAndRun))).toEqual([ran, ran]);
  });

  it('the construction v4 does not make: options before -r, which only the trailing reading takes as a file', async () => {
    const { authorizationToken } = standIn.codeartifact.getAuthorizationToken(
      new URLSearchParams({
        domain: standIn.codeartifact.domain,
        'domain-owner': standIn.codeartifact.owner,
        duration: '3600',
      }),
    );
    const url = standIn.indexUrl(authorizationToken);
    const start = async () => {
      const { JobRunId } = await glue.send(
        new StartJobRunCommand({
          JobName: 'plain-own-etl',
          Arguments: { '--python-modules-installer-option': `--index-url=${url} -r` },
        }),
      );
      return (await standIn.waitForRun(JobRunId as string)).JobRunState;
    };
    standIn.requirementsMode = 'trailing-r';
    expect(await start()).toBe('SUCCEEDED');
    standIn.requirementsMode = 'exact-r';
    expect(await start()).toBe('FAILED');
  });
});

describe('the Python shell path is right whether Glue runs one pip for the value or one per item', () => {
  it.each<ShellReading>(['one-pip', 'pip-per-item'])('%s', async (reading) => {
    standIn.pythonShellReading = reading;
    standIn.installerOptionSplit = 'one-argument'; // a Python shell job's installer option is not read at all
    const { state, installed } = await launchAndRun('shell-etl');
    expect([state, installed]).toEqual(['SUCCEEDED', expect.arrayContaining(['acme-pipelines-1.4.0'])]);
  });
});

describe('what else Glue does, switched', () => {
  it('a job whose GetJob has no GlueVersion: auto gives it arguments, saying why; its timeout is Glue 4’s default', async () => {
    const invocation = await invokeAgainst(standIn, { jobName: 'no-version-etl' }, ENV);
    expect(invocation.result).toMatchObject({ tokenDelivery: 'arguments' });
    expect(invocation.logs).toMatch(
      /"message":"Job gets arguments delivery: the token goes into its run arguments".*"why":"it runs Glue \(unset\)/,
    );
    const file = await invokeAgainst(
      standIn,
      { jobName: 'no-version-etl' },
      { ...ENV, TOKEN_DELIVERY: 'requirements-file' },
    );
    expect(file.error?.name).toBe('UnsupportedJobType');
  });

  it('an SSE-KMS own file the launcher may not decrypt: TokenUnavailable naming the key setting, nothing started', async () => {
    standIn.s3.put(
      'team-bucket',
      'etl/kms.txt',
      Buffer.from(`${PRIVATE_REQUIREMENT}\n`),
      'text/plain',
      {},
      'arn:aws:kms:eu-west-1:111122223333:key/team',
    );
    standIn.createJob(
      teamJob('kms-etl', {
        DefaultArguments: {
          '--additional-python-modules': 's3://team-bucket/etl/kms.txt',
          '--python-modules-installer-option': '-r',
        },
      }),
    );
    const env = { ...ENV, ALLOWED_JOB_NAMES: 'kms-etl', GLUE_JOB_NAME: 'kms-etl' };
    standIn.s3.kmsDecryptDenied = true;
    try {
      const { error } = await invokeAgainst(standIn, { jobName: 'kms-etl' }, env);
      expect(error?.name).toBe('TokenUnavailable');
      expect(error?.message).toMatch(/kms:Decrypt.*JobRequirementsKmsKeyArns/);
      expect(standIn.runs('kms-etl')).toEqual([]);
    } finally {
      standIn.s3.kmsDecryptDenied = false;
    }
    expect((await invokeAgainst(standIn, { jobName: 'kms-etl' }, env)).result).toMatchObject({
      tokenDelivery: 'requirements-file',
    });
  });

  it('Glue’s full worker type list and its documented worker limits', async () => {
    const start = (WorkerType: string, NumberOfWorkers: number) =>
      glue.send(
        new StartJobRunCommand({
          JobName: 'queued-etl',
          WorkerType: WorkerType as never,
          NumberOfWorkers,
          JobRunQueuingEnabled: true,
        }),
      );
    for (const type of ['G.12X', 'G.16X', 'R.1X', 'R.8X']) await expect(start(type, 2)).resolves.toBeDefined();
    await expect(start('G.1X', 300)).rejects.toMatchObject({ name: 'InvalidInputException' });
    await expect(start('G.2X', 150)).rejects.toMatchObject({ name: 'InvalidInputException' });
    await expect(start('G.64X', 2)).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('a WAITING run that waits too long gives up: FAILED, as Glue’s does', async () => {
    standIn.createJob(teamJob('wait-etl', { DefaultArguments: {}, ExecutionProperty: { MaxConcurrentRuns: 1 } }));
    standIn.holdRuns = true;
    standIn.glue.waitingGivesUpAfterMs = 200;
    try {
      await glue.send(new StartJobRunCommand({ JobName: 'wait-etl' }));
      const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: 'wait-etl', JobRunQueuingEnabled: true }));
      const run = await standIn.waitForRun(JobRunId as string);
      expect([run.JobRunState, run.ErrorMessage]).toEqual(['FAILED', expect.stringMatching(/could not acquire/)]);
    } finally {
      standIn.holdRuns = false;
      standIn.glue.waitingGivesUpAfterMs = 15 * 60 * 1000;
    }
  });
});
