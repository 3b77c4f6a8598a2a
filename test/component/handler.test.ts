import { GetAuthorizationTokenCommand, GetRepositoryEndpointCommand } from '@aws-sdk/client-codeartifact';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  ConcurrentRunsExceededException,
  EntityNotFoundException,
  GetJobCommand,
  GetJobRunsCommand,
  InternalServiceException,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { OTHER_PIP_OPTIONS } from '../../local/tools/fixtures';
import 'aws-sdk-client-mock-jest';
import { Readable } from 'node:stream';
import { requestDigest } from '../../src/idempotency/record';
import { EXPIRES, INDEX, WITH_RUN_SETTINGS } from '../helpers/fakes';
import { captureOutput } from '../helpers/output';
import { BASE_ENV, type MockedLauncher, mockedLauncher, sdkJob, sourceStore } from '../helpers/sdk-mocks';

// The wiring (src/launcher.ts) and the SDK adapters (src/aws/), through the handler, over aws-sdk-client-mock.
// What the launch decides is tested over fakes in test/unit; here, that the right SDK calls go out and that the
// SDK's answers and exceptions come back in the launcher's terms.

const quietly = async <T>(fn: () => Promise<T>) => {
  const { result, error } = await captureOutput(fn);
  if (error) throw error;
  return result as T;
};
const failure = async (fn: () => Promise<unknown>) => {
  const { error } = await captureOutput(fn);
  if (!error) throw new Error('expected the invocation to fail');
  return error as Error;
};

const expectNoAwsCall = (launcher: MockedLauncher) => {
  expect(launcher.glue.calls()).toHaveLength(0);
  expect(launcher.codeartifact.calls()).toHaveLength(0);
};

/** An error as the SDK raises it for a service's error code: named by the code, with the HTTP status when one came. */
const serviceError = (name: string, message: string, status?: number) =>
  Object.assign(new Error(message), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
  });

const sdkError = <T extends Error>(Type: new (opts: never) => T, message: string, status = 400) =>
  new Type({ message, $metadata: { httpStatusCode: status } } as never);

describe('configuration at init', () => {
  it('a bad value fails every invocation with ConfigError and calls nothing', async () => {
    const { result: launcher, output } = await captureOutput(async () =>
      mockedLauncher({ ...BASE_ENV, TOKEN_DURATION_SECONDS: '0' }),
    );
    if (!launcher) throw new Error('no launcher');
    expect(output).toMatch(/"message":"Invalid configuration"/);
    for (let i = 0; i < 2; i += 1) {
      const error = await failure(() => launcher.invoke({}));
      expect(error.name).toBe('ConfigError');
      expect(error.message).toMatch(
        /TOKEN_DURATION_SECONDS="0" \(template parameter TokenDurationSeconds\) is not valid/,
      );
    }
    expectNoAwsCall(launcher);
  });

  it('warns at init of a variable one letter away from one it reads, by name alone', async () => {
    const { output } = await captureOutput(async () =>
      mockedLauncher({ ...BASE_ENV, TOKEN_DELIVRY: 'requirements-file', max_dpu: '4', UNRELATED: 'x' }),
    );
    const warnings = output
      .split('\n')
      .filter((line) => line.includes('"level":"WARN"'))
      .map((line) => JSON.parse(line).message);
    expect(warnings).toEqual([
      'Variable TOKEN_DELIVRY is not read; did you mean TOKEN_DELIVERY?',
      'Variable max_dpu is not read; did you mean MAX_DPU?',
    ]);
    expect(output).not.toContain('requirements-file');
  });

  it('is read once: changing the environment after init changes nothing', async () => {
    const env = { ...BASE_ENV };
    const launcher = mockedLauncher(env);
    env.GLUE_JOB_NAME = 'hourly-etl';
    await expect(quietly(() => launcher.invoke({}))).resolves.toMatchObject({ jobName: 'nightly-etl' });
  });
});

describe('bad input starts nothing', () => {
  it('InvalidRequest, with no AWS call', async () => {
    const launcher = mockedLauncher();
    const error = await failure(() => launcher.invoke({ jobName: 'nightly-etl', arguments: { debug: 'true' } }));
    expect(error.name).toBe('InvalidRequest');
    expect(error.message).toMatch(/arguments\.debug/);
    expectNoAwsCall(launcher);
  });

  it('JobNotAllowed, with no AWS call', async () => {
    const launcher = mockedLauncher();
    const error = await failure(() => launcher.invoke({ jobs: [{ jobName: 'nightly-etl' }, { jobName: 'payroll' }] }));
    expect(error.name).toBe('JobNotAllowed');
    expectNoAwsCall(launcher);
  });
});

describe('the SDK calls that go out', () => {
  it('StartJobRun gets the merged arguments and the run settings under the SDK’s names', async () => {
    const launcher = mockedLauncher({ ...BASE_ENV, ALLOWED_RUN_ARGUMENTS: '*' });
    const result = await quietly(() => launcher.invoke(WITH_RUN_SETTINGS));
    expect(result).toEqual({
      jobName: 'hourly-etl',
      jobRunId: 'jr_hourly-etl',
      tokenDelivery: 'arguments',
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
    expect(launcher.glue).toHaveReceivedCommandWith(StartJobRunCommand, {
      JobName: 'hourly-etl',
      Timeout: 30,
      WorkerType: 'G.2X',
      NumberOfWorkers: 7,
      ExecutionClass: 'FLEX',
      SecurityConfiguration: 'encrypted',
      JobRunQueuingEnabled: true,
      Arguments: {
        '--additional-python-modules': 'acme-pipelines==1.4.0',
        '--python-modules-installer-option': `--index-url=${INDEX} ${OTHER_PIP_OPTIONS}`,
        '--job-language': 'python',
        '--run-date': '2026-11-21',
        '--launch-request-digest': requestDigest(WITH_RUN_SETTINGS),
        '--launch-token-expires-at': EXPIRES.toISOString(),
        '--launch-token-delivery': 'arguments',
      },
    });
  });

  it('GetJob and, for a keyed launch, GetJobRuns name the job; CodeArtifact gets the domain, owner and repository', async () => {
    const launcher = mockedLauncher();
    await quietly(() => launcher.invoke({ idempotencyKey: 'k' }));
    expect(launcher.glue).toHaveReceivedCommandWith(GetJobCommand, { JobName: 'nightly-etl' });
    expect(launcher.glue).toHaveReceivedCommandWith(GetJobRunsCommand, { JobName: 'nightly-etl', MaxResults: 25 });
    expect(launcher.codeartifact).toHaveReceivedCommandWith(GetRepositoryEndpointCommand, {
      domain: 'data-platform',
      domainOwner: '111122223333',
      repository: 'private-pypi',
      format: 'pypi',
    });
    expect(launcher.codeartifact).toHaveReceivedCommandWith(GetAuthorizationTokenCommand, {
      domain: 'data-platform',
      domainOwner: '111122223333',
      durationSeconds: 60 * 60 + 900, // the job's Timeout of 60 minutes, plus the margin
    });
  });
});

describe('GetJobRuns pages', () => {
  it('a keyed lookup follows NextToken with full pages until it reaches the horizon', async () => {
    const launcher = mockedLauncher();
    const recent = (id: string) => ({ Id: id, StartedOn: new Date(), Arguments: {} });
    launcher.glue
      .on(GetJobRunsCommand, { JobName: 'nightly-etl', MaxResults: 25 })
      .resolves({ JobRuns: [recent('jr_a')], NextToken: 'page-2' })
      .on(GetJobRunsCommand, { JobName: 'nightly-etl', MaxResults: 200, NextToken: 'page-2' })
      .resolves({ JobRuns: [{ ...recent('jr_b'), StartedOn: new Date('2020-01-01T00:00:00Z') }] });
    await quietly(() => launcher.invoke({ idempotencyKey: 'k' }));
    expect(launcher.glue).toHaveReceivedCommandTimes(GetJobRunsCommand, 2);
    expect(launcher.glue).toHaveReceivedNthSpecificCommandWith(2, GetJobRunsCommand, {
      JobName: 'nightly-etl',
      MaxResults: 200,
      NextToken: 'page-2',
    });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
  });
});

describe('SDK exceptions come back as named errors', () => {
  it('GetJob EntityNotFoundException is JobNotFound', async () => {
    const launcher = mockedLauncher();
    launcher.glue.on(GetJobCommand).rejects(sdkError(EntityNotFoundException, 'Job not found'));
    const error = await failure(() => launcher.invoke({ jobName: 'missing-job' }));
    expect(error.name).toBe('JobNotFound');
    expect(error.message).toBe(
      'Job missing-job was not started: Glue has no such job (EntityNotFoundException: Job not found).',
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });

  it('a GetJob answer without a job is JobNotFound too', async () => {
    const launcher = mockedLauncher();
    launcher.glue.on(GetJobCommand).resolves({});
    expect((await failure(() => launcher.invoke({}))).message).toMatch(
      /Glue has no such job \(EntityNotFoundException: GetJob returned no job\)/,
    );
  });

  it('ConcurrentRunsExceededException is ConcurrentRunsExceeded', async () => {
    const launcher = mockedLauncher();
    launcher.glue
      .on(StartJobRunCommand)
      .rejects(sdkError(ConcurrentRunsExceededException, 'Concurrent runs exceeded for busy-job'));
    const error = await failure(() => launcher.invoke({ jobName: 'busy-job' }));
    expect(error.name).toBe('ConcurrentRunsExceeded');
    expect(error.message).toMatch(
      /^Job busy-job was not started: it already has as many runs as its MaxConcurrentRuns allows/,
    );
  });

  it('anything else from StartJobRun is StartJobRunFailed naming the service’s error by its code and status alone', async () => {
    const launcher = mockedLauncher();
    launcher.glue.on(StartJobRunCommand).rejects(serviceError('InvalidInputException', '1 validation error', 400));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toBe(
      'Job nightly-etl was not started: StartJobRun failed with InvalidInputException (HTTP 400).',
    );
  });

  it('a server error on a start without a key is not retried blindly: it may have started', async () => {
    const launcher = mockedLauncher();
    launcher.glue.on(StartJobRunCommand).rejects(sdkError(InternalServiceException, 'Internal failure', 500));
    const error = await failure(() => launcher.invoke({}));
    expect(error.message).toMatch(
      /^Job nightly-etl may have started: StartJobRun failed with InternalServiceException \(HTTP 500\), and without an idempotency key/,
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
  });

  // An error with no HTTP status: a timeout or a network error may have reached Glue; anything else failed before
  // anything was sent (aws/failure.ts), so it is not "may have started" and not retried, keyed or not.
  it.each([
    ['a timeout is ambiguous', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'may', 2],
    ['a cut connection is ambiguous', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'may', 2],
    ['a local TypeError is definite', new TypeError('Converting circular structure to JSON'), 'was not', 1],
  ])(
    'without a status, %s (keyed: looked up and tried again only when ambiguous)',
    async (_case, thrown, said, starts) => {
      const failingOnce = () => {
        const launcher = mockedLauncher();
        launcher.glue
          .on(StartJobRunCommand)
          .rejectsOnce(thrown)
          .callsFake(({ JobName }) => ({ JobRunId: `jr_${JobName}` }));
        return launcher;
      };
      const unkeyed = await failure(() => failingOnce().invoke({}));
      expect(unkeyed.message).toMatch(new RegExp(`^Job nightly-etl ${said} (have )?started: StartJobRun failed with`));
      const launcher = failingOnce();
      const keyed = await captureOutput(() => launcher.invoke({ idempotencyKey: 'k-1' }));
      expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, starts);
      expect(keyed.error === undefined).toBe(starts === 2);
    },
  );

  it('a 200 whose body the SDK could not read is ambiguous: without a key, it may have started', async () => {
    const launcher = mockedLauncher();
    launcher.glue
      .on(StartJobRunCommand)
      .rejects(
        Object.assign(
          new Error(
            'aborted Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
          ),
          { $metadata: { httpStatusCode: 200 } },
        ),
      );
    const error = await failure(() => launcher.invoke({}));
    expect(error.message).toBe(
      'Job nightly-etl may have started: StartJobRun failed with a success answer that could not be read (aborted), and without an idempotency key the launcher cannot tell, so it did not try again.',
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
  });

  it('a GetJob failure other than not-found is StartJobRunFailed', async () => {
    const launcher = mockedLauncher();
    launcher.glue.on(GetJobCommand).rejects(serviceError('AccessDeniedException', 'not authorized'));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toMatch(/GetJob failed with AccessDeniedException: not authorized/);
  });

  it('CodeArtifact failures are TokenUnavailable and start nothing', async () => {
    const launcher = mockedLauncher();
    launcher.codeartifact
      .on(GetAuthorizationTokenCommand)
      .rejects(serviceError('AccessDeniedException', 'User is not authorized'));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('TokenUnavailable');
    expect(error.message).toBe(
      'Job nightly-etl was not started: CodeArtifact gave no token for domain data-platform: AccessDeniedException: User is not authorized.',
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });

  it.each([
    [
      'missing, from Glue',
      'glue',
      serviceError('CredentialsProviderError', 'Could not load credentials from any providers'),
      'StartJobRunFailed',
      /no AWS credentials were found \(CredentialsProviderError\); in Lambda they come from the function's role, elsewhere set AWS_PROFILE or AWS_ACCESS_KEY_ID/,
    ],
    [
      'refused, by CodeArtifact',
      'codeartifact',
      serviceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403),
      'TokenUnavailable',
      /AWS refused the credentials sent \(UnrecognizedClientException, HTTP 403\): they are invalid or expired; renew them/,
    ],
  ] as const)(
    'credentials %s are named as such, with the fix, and nothing starts',
    async (_how, service, cause, name, message) => {
      const launcher = mockedLauncher();
      if (service === 'glue') launcher.glue.on(GetJobCommand).rejects(cause);
      else launcher.codeartifact.on(GetAuthorizationTokenCommand).rejects(cause);
      const error = await failure(() => launcher.invoke({}));
      expect(error.name).toBe(name);
      expect(error.message).toMatch(message);
      expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
    },
  );

  it('an empty CodeArtifact answer is TokenUnavailable too', async () => {
    const launcher = mockedLauncher();
    launcher.codeartifact.on(GetRepositoryEndpointCommand).resolves({});
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('TokenUnavailable');
    expect(error.message).toMatch(
      /did not give the endpoint of data-platform\/private-pypi: GetRepositoryEndpoint returned no endpoint/,
    );
  });
});

describe('requirements-file delivery, over the S3 client', () => {
  const FILE_ENV = { ...BASE_ENV, TOKEN_DELIVERY: 'requirements-file', REQUIREMENTS_BUCKET: 'launcher-reqs' };
  const glue5 = (name: string, overrides = {}) => sdkJob(name, { GlueVersion: '5.0', ...overrides });

  it('PutObject writes the file under the prefix; StartJobRun names it, with "-r"', async () => {
    const launcher = mockedLauncher(FILE_ENV);
    launcher.glue.on(GetJobCommand).callsFake(({ JobName }) => glue5(JobName));
    const result = await quietly(() => launcher.invoke({}));
    expect(result).toMatchObject({ tokenDelivery: 'requirements-file' });
    const [put] = launcher.s3.commandCalls(PutObjectCommand);
    const { Bucket, Key, Body, ContentType } = put?.args[0].input ?? {};
    expect([Bucket, ContentType]).toEqual(['launcher-reqs', 'text/plain; charset=utf-8']);
    expect(Key).toMatch(/^glue-launcher\/nightly-etl\/\d{4}-\d\d-\d\d\/[\w-]+\.txt$/);
    expect(Body).toBe(`--index-url ${INDEX}\n${OTHER_PIP_OPTIONS.replace(' ', '\n')}\nacme-pipelines==1.4.0\n`);
    expect(launcher.glue).toHaveReceivedCommandWith(StartJobRunCommand, {
      Arguments: expect.objectContaining({
        '--additional-python-modules': `s3://launcher-reqs/${Key}`,
        '--python-modules-installer-option': '-r',
      }),
    });
  });

  it('a job’s own requirements file is read with GetObject', async () => {
    const launcher = mockedLauncher(FILE_ENV);
    const own = { '--additional-python-modules': 's3://team/req.txt', '--python-modules-installer-option': '-r' };
    launcher.glue.on(GetJobCommand).callsFake(({ JobName }) => glue5(JobName, { DefaultArguments: own }));
    // The SDK's streaming body: what the adapter reads of it, chunk by chunk.
    launcher.s3.on(GetObjectCommand).resolves({ Body: Readable.from([Buffer.from('pandas==2.2.0\n')]) as never });
    await quietly(() => launcher.invoke({}));
    expect(launcher.s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'team', Key: 'req.txt' });
    expect(launcher.s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body).toBe(
      `--index-url ${INDEX}\npandas==2.2.0\n`,
    );
  });

  it('a store bundle that cannot load fails the launch that needs it, not the init with an unhandled rejection', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const launcher = mockedLauncher(FILE_ENV, () => Promise.reject(new Error("Cannot find module './aws/x.cjs'")));
      launcher.glue.on(GetJobCommand).callsFake(({ JobName }) => glue5(JobName));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
      const error = await failure(() => launcher.invoke({}));
      expect(error.name).toBe('TokenUnavailable');
      expect(error.message).toMatch(/could not be written \(Error: Cannot find module '\.\/aws\/x\.cjs'\)\.$/);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a store bundle that failed to load in init is loaded again by the first launch that needs it', async () => {
    let loads = 0;
    const flaky = () => {
      loads += 1;
      return loads === 1 ? Promise.reject(new Error('EMFILE: too many open files')) : sourceStore();
    };
    const launcher = mockedLauncher(FILE_ENV, flaky);
    launcher.glue.on(GetJobCommand).callsFake(({ JobName }) => glue5(JobName));
    await expect(quietly(() => launcher.invoke({}))).resolves.toMatchObject({ tokenDelivery: 'requirements-file' });
    expect(loads).toBe(2);
  });

  it('S3 AccessDenied on the write is TokenUnavailable, and nothing starts', async () => {
    const launcher = mockedLauncher(FILE_ENV);
    launcher.glue.on(GetJobCommand).callsFake(({ JobName }) => glue5(JobName));
    launcher.s3.on(PutObjectCommand).rejects(serviceError('AccessDenied', 'Access Denied', 403));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('TokenUnavailable');
    expect(error.message).toMatch(/could not be written \(AccessDenied: Access Denied\)\.$/);
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });
});

describe('reading a job’s own requirements file, over the S3 client', () => {
  const OWN = 's3://team/req.txt';
  const read = async (body: Readable, contentLength?: number) => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    const { S3RequirementsStore } = await import('../../src/aws/requirements-store');
    const launcher = mockedLauncher();
    launcher.s3.on(GetObjectCommand).resolves({ Body: body as never, ContentLength: contentLength });
    const store = new S3RequirementsStore(new S3Client({ region: 'eu-west-1' }), 300);
    return store.read(OWN, 16).then(
      (value) => value,
      (error: Error & { kind?: string }) => ({ failed: `${error.kind}: ${error.message}` }),
    );
  };

  it('stops at maxBytes, by the announced length or by what arrives', async () => {
    expect(await read(Readable.from([Buffer.from('x'.repeat(10))]), 40)).toEqual({ tooLarge: true });
    expect(await read(Readable.from([Buffer.from('x'.repeat(10)), Buffer.from('y'.repeat(10))]))).toEqual({
      tooLarge: true,
    });
    expect(await read(Readable.from([Buffer.from('acme\n')]))).toEqual({
      bytes: new Uint8Array(Buffer.from('acme\n')),
    });
  });

  it('a body that trickles in is cut at the read’s deadline, not the function’s', async () => {
    let sent = 0;
    const trickle = new Readable({
      read() {
        setTimeout(() => this.push(sent++ < 1_000 ? 'a' : null), 50);
      },
    });
    const started = Date.now();
    expect(await read(trickle)).toEqual({
      failed: expect.stringMatching(
        /^no-answer: GetObject failed \(no-answer\): TimeoutError: the read took more than 300 ms$/,
      ),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('the optional lock, over the DynamoDB client (Powertools’ persistence layer)', () => {
  const LOCK_ENV = { ...BASE_ENV, IDEMPOTENCY_TABLE: 'glue-launcher-locks' };
  const dynamo = mockClient(DynamoDBClient);
  const lockOver = async () => {
    const { DynamoLaunchLock } = await import('../../src/aws/lock');
    return (table: string) => Promise.resolve(new DynamoLaunchLock(table, new DynamoDBClient({ region: 'eu-west-1' })));
  };
  // What DynamoDB answers when another invocation with the same request holds the key: the record that stood in the way.
  const heldByAnother = (input: { Item?: Record<string, unknown> }) => {
    throw Object.assign(
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      {
        Item: input.Item,
      },
    );
  };
  afterEach(() => dynamo.reset());

  it('takes the key with a conditional PutItem on the table, starts, and records the run with UpdateItem', async () => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(UpdateItemCommand).resolves({});
    const launcher = mockedLauncher(LOCK_ENV, undefined, await lockOver());
    const result = await quietly(() => launcher.invoke({ idempotencyKey: 'k-1' }));
    expect(result).toMatchObject({ jobRunId: 'jr_nightly-etl' });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'glue-launcher-locks',
      ConditionExpression: expect.stringContaining('attribute_not_exists(#id)'),
    });
    const update = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(JSON.stringify(update?.ExpressionAttributeValues)).toContain('jr_nightly-etl');
  });

  it('a key another delivery holds is LaunchInProgress, and nothing starts', async () => {
    dynamo.on(PutItemCommand).callsFake(heldByAnother);
    const launcher = mockedLauncher(LOCK_ENV, undefined, await lockOver());
    const error = await failure(() => launcher.invoke({ idempotencyKey: 'k-2' }));
    expect(error.name).toBe('LaunchInProgress');
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });
});
