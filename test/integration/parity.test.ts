import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import {
  CreateJobCommand,
  CreateSecurityConfigurationCommand,
  GetJobCommand,
  GetJobRunsCommand,
  GlueClient,
  StartJobRunCommand,
  type StartJobRunCommandInput,
} from '@aws-sdk/client-glue';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { StandIn } from '../../local/standin/server';
import { KNOWN } from '../helpers/parity-known';

// The stand-in beside moto (5.2), a second emulation of Glue and S3 written by others: the same calls to both, and
// agreement wherever moto follows AWS. Where they differ, the table below says which one AWS's documentation backs,
// and the test keeps the table true. moto has no CodeArtifact: there the stand-in is held to botocore's model
// (test/integration/standin-fidelity.test.ts). moto is a Python package a fresh machine need not have: without it
// the suite is skipped, loudly.
jest.setTimeout(60_000);

const MOTO = spawnSync('python3', ['-c', 'import moto.server, flask'], { encoding: 'utf8' }).status === 0;
if (!MOTO) console.warn('SKIPPED: the moto parity suite needs python3 with moto[server] (pip install "moto[server]")');
const describeWithMoto = MOTO ? describe : describe.skip;

const CREDENTIALS = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' };

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

interface Target {
  readonly glue: GlueClient;
  readonly s3: S3Client;
}

const target = (endpoint: string): Target => ({
  glue: new GlueClient({ region: 'eu-west-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1 }),
  s3: new S3Client({ region: 'eu-west-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1, forcePathStyle: true }),
});

/** What a call came to, in a form both emulations can be compared on. */
const outcome = async (call: () => Promise<unknown>, project: (output: never) => string = () => 'ok') => {
  try {
    return project((await call()) as never);
  } catch (error) {
    return `error ${(error as Error).name}`;
  }
};

const JOB = {
  Role: 'arn:aws:iam::123456789012:role/glue',
  Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/etl.py' },
  ExecutionProperty: { MaxConcurrentRuns: 100 },
};
const start = (t: Target, input: Partial<StartJobRunCommandInput>) =>
  outcome(() => t.glue.send(new StartJobRunCommand({ JobName: 'etl', ...input })));

/** The calls, each run against both emulations. */
const CALLS: Record<string, (t: Target) => Promise<string>> = {
  'GetJob of a job that does not exist': (t) => outcome(() => t.glue.send(new GetJobCommand({ JobName: 'nope' }))),
  'GetJob of a job created without GlueVersion or Timeout': (t) =>
    outcome(
      () => t.glue.send(new GetJobCommand({ JobName: 'unversioned' })),
      (o: { Job?: { GlueVersion?: string; Timeout?: number } }) =>
        `GlueVersion ${o.Job?.GlueVersion} Timeout ${o.Job?.Timeout}`,
    ),
  'StartJobRun, plain': (t) => start(t, {}),
  'StartJobRun with an existing SecurityConfiguration': (t) => start(t, { SecurityConfiguration: 'team-encryption' }),
  'StartJobRun with an unknown SecurityConfiguration': (t) => start(t, { SecurityConfiguration: 'nope' }),
  'StartJobRun with an unknown WorkerType': (t) => start(t, { WorkerType: 'G.3X' as never, NumberOfWorkers: 2 }),
  'StartJobRun with NumberOfWorkers alone': (t) => start(t, { NumberOfWorkers: 4 }),
  'StartJobRun with MaxCapacity beside a WorkerType': (t) =>
    start(t, { WorkerType: 'G.1X', NumberOfWorkers: 2, MaxCapacity: 2 }),
  'StartJobRun with a Timeout of 10080': (t) => start(t, { Timeout: 10_080 }),
  'GetJobRuns with a NextToken it did not issue': (t) =>
    outcome(() => t.glue.send(new GetJobRunsCommand({ JobName: 'etl', NextToken: 'garbage' }))),
  'GetJobRuns: the run started last comes first': async (t) => {
    const { JobRunId } = await t.glue.send(new StartJobRunCommand({ JobName: 'etl', Arguments: { '--last': '1' } }));
    return outcome(
      () => t.glue.send(new GetJobRunsCommand({ JobName: 'etl', MaxResults: 200 })),
      (o: { JobRuns?: Array<{ Id?: string }> }) => (o.JobRuns?.[0]?.Id === JobRunId ? 'newest first' : 'oldest first'),
    );
  },
  'S3 PutObject, then GetObject': async (t) => {
    await t.s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'a.txt', Body: 'acme\n' }));
    return outcome(
      () => t.s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'a.txt' })),
      (o: { Body?: { transformToString: () => Promise<string> } }) => (o.Body ? 'body' : 'none'),
    );
  },
  'S3 GetObject of a key that is not there': (t) =>
    outcome(() => t.s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'missing.txt' }))),
  'S3 GetObject from a bucket that does not exist': (t) =>
    outcome(() => t.s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' }))),
};

describeWithMoto('the stand-in beside moto', () => {
  let moto: ChildProcess;
  let standIn: StandIn;
  const results = new Map<string, { standIn: string; moto: string }>();

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn('python3', ['-m', 'moto.server', '-p', String(port)], { stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries += 1) {
      const up = await fetch(`${endpoint}/moto-api/`).then(
        (res) => res.ok,
        () => false,
      );
      if (up) break;
      if (tries > 100) throw new Error('moto did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    standIn = await StandIn.start({ install: 'none' });
    const targets = { standIn: target(standIn.url), moto: target(endpoint) };
    for (const t of Object.values(targets)) {
      await t.glue.send(new CreateJobCommand({ Name: 'etl', GlueVersion: '4.0', ...JOB }));
      await t.glue.send(new CreateJobCommand({ Name: 'unversioned', ...JOB }));
      await t.glue.send(
        new CreateSecurityConfigurationCommand({ Name: 'team-encryption', EncryptionConfiguration: {} }),
      );
    }
    await targets.moto.s3.send(
      new CreateBucketCommand({ Bucket: 'team', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    standIn.s3.createBucket('team');
    for (const [name, call] of Object.entries(CALLS)) {
      results.set(name, { standIn: await call(targets.standIn), moto: await call(targets.moto) });
    }
  });
  afterAll(async () => {
    moto?.kill();
    await standIn?.stop();
  });

  it.each(Object.keys(CALLS))('%s', (name) => {
    const got = results.get(name);
    const known = KNOWN[name];
    if (known) expect(got).toEqual({ standIn: known.standIn, moto: known.moto });
    else expect(got?.standIn).toBe(got?.moto);
  });
});
