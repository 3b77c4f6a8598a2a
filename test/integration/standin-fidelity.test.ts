import {
  CodeartifactClient,
  GetAuthorizationTokenCommand,
  GetRepositoryEndpointCommand,
  ValidationException,
} from '@aws-sdk/client-codeartifact';
import {
  ConcurrentRunsExceededException,
  GetJobCommand,
  GetJobRunCommand,
  GetJobRunsCommand,
  GlueClient,
  InvalidInputException,
  StartJobRunCommand,
  type StartJobRunCommandInput,
} from '@aws-sdk/client-glue';
import { GetObjectCommand, PutObjectCommand, S3Client, type S3ServiceException } from '@aws-sdk/client-s3';
import { StandIn } from '../../local/standin/server';
import { standInClientConfig, teamJob } from '../../local/tools/fixtures';
import { invokeAgainst } from '../helpers/stand-in';

// The stand-in refuses what AWS refuses (each rule with its source, in local/standin), so that the launcher's tests
// cannot pass on a leniency AWS does not have; and the launcher names each refusal as a caller should read it.
jest.setTimeout(60_000);

let standIn: StandIn;
let glue: GlueClient;

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'none' });
  glue = new GlueClient(standInClientConfig(standIn));
  standIn.createJob(teamJob('etl', { ExecutionProperty: { MaxConcurrentRuns: 100 } }));
  standIn.createJob(teamJob('queued', { ExecutionProperty: { MaxConcurrentRuns: 1 } }));
  standIn.createJob({ ...teamJob('unversioned'), GlueVersion: undefined, Timeout: undefined });
  standIn.createJob(teamJob('glue4', { GlueVersion: '4.0', Timeout: undefined }));
  standIn.createJob(teamJob('glue5', { GlueVersion: '5.0', Timeout: undefined }));
  standIn.createSecurityConfiguration('team-encryption');
});
afterAll(() => standIn?.stop());
afterEach(() => {
  standIn.faults.clear();
  standIn.holdRuns = false;
});

const refusal = (input: Partial<StartJobRunCommandInput>) =>
  glue.send(new StartJobRunCommand({ JobName: 'etl', ...input })).then(
    () => 'started',
    (error: Error) => error.name,
  );

describe('StartJobRun validates as botocore’s Glue model and the API reference say', () => {
  it.each<[string, Partial<StartJobRunCommandInput>, string]>([
    [
      'an unknown WorkerType (model enum)',
      { WorkerType: 'G.3X' as never, NumberOfWorkers: 2 },
      'InvalidInputException',
    ],
    ['NumberOfWorkers without a WorkerType', { NumberOfWorkers: 4 }, 'InvalidInputException'],
    [
      'MaxCapacity beside a WorkerType',
      { WorkerType: 'G.1X', NumberOfWorkers: 2, MaxCapacity: 2 },
      'InvalidInputException',
    ],
    ['a Timeout of 10080 minutes or more', { Timeout: 10_080 }, 'InvalidInputException'],
    ['a Timeout under 1 (model min)', { Timeout: 0 }, 'InvalidInputException'],
    ['an unknown ExecutionClass (model enum)', { ExecutionClass: 'CHEAP' as never }, 'InvalidInputException'],
    ['a SecurityConfiguration that does not exist', { SecurityConfiguration: 'nope' }, 'EntityNotFoundException'],
    ['a SecurityConfiguration that exists', { SecurityConfiguration: 'team-encryption' }, 'started'],
    ['a WorkerType with its NumberOfWorkers', { WorkerType: 'G.2X', NumberOfWorkers: 4, Timeout: 10_079 }, 'started'],
  ])('%s: %s', async (_case, input, outcome) => {
    expect(await refusal(input)).toBe(outcome);
  });

  it('GetJobRuns refuses a NextToken it did not issue, and MaxResults outside 1..200', async () => {
    for (const NextToken of ['garbage', '25', 'eyJ4IjoxfQ.abc']) {
      await expect(glue.send(new GetJobRunsCommand({ JobName: 'etl', NextToken }))).rejects.toBeInstanceOf(
        InvalidInputException,
      );
    }
    await expect(glue.send(new GetJobRunsCommand({ JobName: 'etl', MaxResults: 0 }))).rejects.toBeInstanceOf(
      InvalidInputException,
    );
    const first = await glue.send(new GetJobRunsCommand({ JobName: 'etl', MaxResults: 1 }));
    await expect(
      glue.send(new GetJobRunsCommand({ JobName: 'queued', NextToken: first.NextToken })),
    ).rejects.toBeInstanceOf(InvalidInputException);
    await expect(
      glue.send(new GetJobRunsCommand({ JobName: 'etl', NextToken: first.NextToken })),
    ).resolves.toBeDefined();
  });
});

describe('jobs as Glue keeps them', () => {
  it.each([
    ['unversioned', '5.1', 480],
    ['glue4', '4.0', 2880],
    ['glue5', '5.0', 480],
  ])('%s: GlueVersion %s, Timeout %i when created without one', async (name, version, timeout) => {
    const { Job } = await glue.send(new GetJobCommand({ JobName: name }));
    expect([Job?.GlueVersion, Job?.Timeout]).toEqual([version, timeout]);
  });

  it('with job run queuing, a start past MaxConcurrentRuns waits, and starts when a slot frees', async () => {
    standIn.holdRuns = true;
    const first = await glue.send(new StartJobRunCommand({ JobName: 'queued' }));
    await expect(glue.send(new StartJobRunCommand({ JobName: 'queued' }))).rejects.toBeInstanceOf(
      ConcurrentRunsExceededException,
    );
    const second = await glue.send(new StartJobRunCommand({ JobName: 'queued', JobRunQueuingEnabled: true }));
    const state = async (id?: string) =>
      (await glue.send(new GetJobRunCommand({ JobName: 'queued', RunId: id }))).JobRun?.JobRunState;
    expect(await state(second.JobRunId)).toBe('WAITING');
    standIn.holdRuns = false;
    await standIn.waitForRun(first.JobRunId as string);
    expect((await standIn.waitForRun(second.JobRunId as string)).JobRunState).toBe('SUCCEEDED');
  });
});

describe('S3, as AWS answers the launcher’s role', () => {
  const s3 = () => new S3Client({ ...standInClientConfig(standIn), forcePathStyle: true });

  it('a missing object is 403 AccessDenied (no s3:ListBucket), a missing bucket 404', async () => {
    standIn.s3.createBucket('team');
    const missing = await s3()
      .send(new GetObjectCommand({ Bucket: 'team', Key: 'nope.txt' }))
      .catch((e: S3ServiceException) => [e.name, e.$metadata.httpStatusCode]);
    expect(missing).toEqual(['AccessDenied', 403]);
    const noBucket = await s3()
      .send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' }))
      .catch((e: S3ServiceException) => [e.name, e.$metadata.httpStatusCode]);
    expect(noBucket).toEqual(['NoSuchBucket', 404]);
  });

  it('keeps . and .. as characters of a key, and honours Range and conditional writes', async () => {
    standIn.s3.createBucket('keys');
    await s3().send(new PutObjectCommand({ Bucket: 'keys', Key: 'a/../b.txt', Body: '0123456789' }));
    expect(standIn.s3.keys('keys')).toEqual(['a/../b.txt']);
    const part = await s3().send(new GetObjectCommand({ Bucket: 'keys', Key: 'a/../b.txt', Range: 'bytes=2-4' }));
    expect(await part.Body?.transformToString()).toBe('234');
    const again = await s3()
      .send(new PutObjectCommand({ Bucket: 'keys', Key: 'a/../b.txt', Body: 'x', IfNoneMatch: '*' }))
      .catch((e: S3ServiceException) => e.$metadata.httpStatusCode);
    expect(again).toBe(412);
  });
});

describe('CodeArtifact: a malformed parameter is 400, a well-formed one that names nothing 404', () => {
  const codeartifact = () => new CodeartifactClient(standInClientConfig(standIn));

  it.each([
    [
      'a domain outside its pattern',
      { domain: 'Bad_Domain', repository: 'private-pypi', format: 'pypi' as const },
      'ValidationException',
    ],
    [
      'an owner that is not 12 digits',
      { domain: 'data-platform', domainOwner: '123', repository: 'private-pypi', format: 'pypi' as const },
      'ValidationException',
    ],
    [
      'a format outside the enum',
      { domain: 'data-platform', repository: 'private-pypi', format: 'wheel' as never },
      'ValidationException',
    ],
    [
      'a domain that does not exist',
      { domain: 'other-domain', repository: 'private-pypi', format: 'pypi' as const },
      'ResourceNotFoundException',
    ],
  ])('%s: %s', async (_case, input, name) => {
    const error = await codeartifact()
      .send(new GetRepositoryEndpointCommand(input))
      .catch((e: Error) => e);
    expect((error as Error).name).toBe(name);
  });

  it('a duration over 43200 is a ValidationException', async () => {
    await expect(
      codeartifact().send(new GetAuthorizationTokenCommand({ domain: 'data-platform', durationSeconds: 43_201 })),
    ).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('a StartJobRun that takes effect after the client gave up', () => {
  it('lands N ms after it was received, whatever the client does meanwhile', async () => {
    const before = standIn.runs('etl').length;
    standIn.lateNext('StartJobRun', 800);
    const impatient = new GlueClient({
      ...standInClientConfig(standIn),
      requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
    });
    await expect(impatient.send(new StartJobRunCommand({ JobName: 'etl' }))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(standIn.runs('etl')).toHaveLength(before);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(standIn.runs('etl')).toHaveLength(before + 1);
  });
});

describe('the launcher names each refusal', () => {
  const ENV = { ALLOWED_JOB_NAMES: 'etl,queued', GLUE_JOB_NAME: 'etl', ALLOWED_RUN_ARGUMENTS: '*' };

  it.each([
    [
      'an unknown security configuration is not JobNotFound',
      { securityConfiguration: 'nope' },
      'StartJobRunFailed',
      /^Job etl was not started: StartJobRun failed with EntityNotFoundException: Security configuration nope not found; the job exists, so check what the request names \(its securityConfiguration\)\.$/,
    ],
    [
      'numberOfWorkers without a workerType: Glue’s code, not its words',
      { numberOfWorkers: 4 },
      'StartJobRunFailed',
      /^Job etl was not started: StartJobRun failed with InvalidInputException \(HTTP 400\)\.$/,
    ],
    [
      'a Timeout Glue refuses never reaches it',
      { timeout: 10_080 },
      'InvalidRequest',
      /timeout: must be at most 10079 minutes/,
    ],
  ])('%s', async (_case, request, name, message) => {
    const { error } = await invokeAgainst(standIn, { jobName: 'etl', ...request }, ENV);
    expect(error?.name).toBe(name);
    expect(error?.message).toMatch(message);
  });

  it('a queued start past MaxConcurrentRuns is a run, not ConcurrentRunsExceeded', async () => {
    standIn.holdRuns = true;
    await glue.send(new StartJobRunCommand({ JobName: 'queued' }));
    const busy = await invokeAgainst(standIn, { jobName: 'queued' }, ENV);
    expect(busy.error?.name).toBe('ConcurrentRunsExceeded');
    const queued = await invokeAgainst(standIn, { jobName: 'queued', jobRunQueuingEnabled: true }, ENV);
    expect(queued.error).toBeUndefined();
    const id = (queued.result as { jobRunId: string }).jobRunId;
    expect(standIn.runs('queued').find((run) => run.Id === id)?.JobRunState).toBe('WAITING');
  });

  it('a missing own requirements file: TokenUnavailable saying missing or not readable, naming bucket and key', async () => {
    standIn.s3.createBucket('team-files');
    standIn.createJob(
      teamJob('own-file', {
        DefaultArguments: {
          '--additional-python-modules': 's3://team-files/etl/requirements.txt',
          '--python-modules-installer-option': '-r',
        },
      }),
    );
    const { error } = await invokeAgainst(
      standIn,
      { jobName: 'own-file' },
      {
        ...ENV,
        ALLOWED_JOB_NAMES: 'own-file',
        GLUE_JOB_NAME: 'own-file',
        TOKEN_DELIVERY: 'auto',
        REQUIREMENTS_BUCKET: 'team-files',
      },
    );
    expect(error?.name).toBe('TokenUnavailable');
    expect(error?.message).toBe(
      'Job own-file was not started: its own requirements file s3://team-files/etl/requirements.txt is missing or not readable (AccessDenied: Access Denied); check that it exists and that the launcher may read its bucket (JobRequirementsBuckets).',
    );
  });
});
