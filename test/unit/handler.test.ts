import { GetAuthorizationTokenCommand, GetRepositoryEndpointCommand } from '@aws-sdk/client-codeartifact';
import {
  ConcurrentRunsExceededException,
  EntityNotFoundException,
  GetJobCommand,
  InternalServiceException,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import {
  BASE_ENV,
  ENCODED_TOKEN,
  ENDPOINT,
  EXPIRES,
  healthyLauncher,
  type Launcher,
  rejectionOf,
  sparkJob,
  TOKEN,
} from '../helpers/launcher';
import { captureOutput } from '../helpers/output';

const INDEX = `https://aws:${ENCODED_TOKEN}@data-platform-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/private-pypi/simple/`;

const healthy = healthyLauncher;

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

const expectNoAwsCall = (launcher: Launcher) => {
  expect(launcher.glue.calls()).toHaveLength(0);
  expect(launcher.codeartifact.calls()).toHaveLength(0);
};

describe('configuration at init', () => {
  it('a bad value fails every invocation with ConfigError and calls nothing', async () => {
    const { result: launcher, output } = await captureOutput(async () =>
      healthy({ ...BASE_ENV, TOKEN_DURATION_SECONDS: '0' }),
    );
    if (!launcher) throw new Error('no launcher');
    expect(output).toMatch(/"message":"Invalid configuration"/);
    for (let i = 0; i < 2; i += 1) {
      const error = await failure(() => launcher.invoke({}));
      expect(error.name).toBe('ConfigError');
      expect(error.message).toMatch(/TOKEN_DURATION_SECONDS="0" is not valid/);
    }
    expectNoAwsCall(launcher);
  });

  it('is read once: changing the environment after init changes nothing', async () => {
    const env = { ...BASE_ENV };
    const launcher = healthy(env);
    env.GLUE_JOB_NAME = 'hourly-etl';
    await expect(quietly(() => launcher.invoke({}))).resolves.toMatchObject({ jobName: 'nightly-etl' });
  });
});

describe('bad input starts nothing', () => {
  it('InvalidRequest, with no AWS call', async () => {
    const launcher = healthy();
    const error = await failure(() => launcher.invoke({ jobName: 'nightly-etl', arguments: { debug: 'true' } }));
    expect(error.name).toBe('InvalidRequest');
    expect(error.message).toMatch(/arguments\.debug/);
    expectNoAwsCall(launcher);
  });

  it('JobNotAllowed for any job of a batch off the allowlist, with no AWS call', async () => {
    const launcher = healthy();
    const error = await failure(() => launcher.invoke({ jobs: [{ jobName: 'nightly-etl' }, { jobName: 'payroll' }] }));
    expect(error.name).toBe('JobNotAllowed');
    expect(error.message).toBe('Job payroll is not in ALLOWED_JOB_NAMES, so nothing was started.');
    expectNoAwsCall(launcher);
  });
});

describe('one launch', () => {
  it('starts the default job with the merged arguments and returns the run id and expiry only', async () => {
    const launcher = healthy();
    const result = await quietly(() => launcher.invoke({}));
    expect(result).toEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_nightly-etl',
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
    expect(launcher.glue).toHaveReceivedCommandWith(StartJobRunCommand, {
      JobName: 'nightly-etl',
      Arguments: {
        '--additional-python-modules': 'acme-pipelines==1.4.0',
        '--python-modules-installer-option': `--index-url=${INDEX} --upgrade`,
        '--job-language': 'python',
        // No key on an empty event: only the token's expiry, for whoever reads the run later.
        '--launch-token-expires-at': EXPIRES.toISOString(),
      },
    });
  });

  it('maps the request’s run settings to StartJobRun’s fields', async () => {
    const launcher = healthy();
    await quietly(() =>
      launcher.invoke({
        jobName: 'hourly-etl',
        arguments: { '--run-date': '2026-11-21' },
        timeout: 30,
        workerType: 'G.2X',
        numberOfWorkers: 7,
        executionClass: 'FLEX',
        securityConfiguration: 'encrypted',
        jobRunQueuingEnabled: true,
      }),
    );
    const input = launcher.glue.commandCalls(StartJobRunCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      JobName: 'hourly-etl',
      Timeout: 30,
      WorkerType: 'G.2X',
      NumberOfWorkers: 7,
      ExecutionClass: 'FLEX',
      SecurityConfiguration: 'encrypted',
      JobRunQueuingEnabled: true,
    });
    expect(input?.Arguments?.['--run-date']).toBe('2026-11-21');
  });

  it('asks CodeArtifact for the configured domain, owner and repository', async () => {
    const launcher = healthy();
    await quietly(() => launcher.invoke({}));
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

  it('uses --extra-index-url when PIP_INDEX_OPTION says so', async () => {
    const launcher = healthy({ ...BASE_ENV, PIP_INDEX_OPTION: 'extra-index-url' });
    await quietly(() => launcher.invoke({}));
    const args = launcher.glue.commandCalls(StartJobRunCommand)[0]?.args[0].input.Arguments;
    expect(args?.['--python-modules-installer-option']).toBe(`--extra-index-url=${INDEX} --upgrade`);
  });
});

describe('round trips', () => {
  /** A call that answers only when the test says so, to observe what runs in parallel. */
  const gate = <T>() => {
    let open: (value: T) => void = () => undefined;
    const promise = new Promise<T>((resolve) => {
      open = resolve;
    });
    return { promise, open };
  };

  it('GetJob, GetRepositoryEndpoint and GetAuthorizationToken are in flight together when the lifetime is known', async () => {
    const launcher = healthy({ ...BASE_ENV, TOKEN_DURATION_SECONDS: '3600' });
    const job = gate<ReturnType<typeof sparkJob>>();
    launcher.glue.on(GetJobCommand).callsFake(() => job.promise);
    const pending = quietly(() => launcher.invoke({}));
    await new Promise((resolve) => setImmediate(resolve));
    // GetJob has not answered, yet both CodeArtifact calls were already made.
    expect(launcher.glue).toHaveReceivedCommandTimes(GetJobCommand, 1);
    expect(launcher.codeartifact).toHaveReceivedCommandTimes(GetRepositoryEndpointCommand, 1);
    expect(launcher.codeartifact).toHaveReceivedCommandWith(GetAuthorizationTokenCommand, { durationSeconds: 3600 });
    job.open(sparkJob('nightly-etl'));
    await expect(pending).resolves.toMatchObject({ jobRunId: 'jr_nightly-etl' });
  });

  it('also in parallel with auto lifetime when the request gives its timeout', async () => {
    const launcher = healthy();
    const job = gate<ReturnType<typeof sparkJob>>();
    launcher.glue.on(GetJobCommand).callsFake(() => job.promise);
    const pending = quietly(() => launcher.invoke({ timeout: 45 }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(launcher.codeartifact).toHaveReceivedCommandWith(GetAuthorizationTokenCommand, {
      durationSeconds: 45 * 60 + 900,
    });
    job.open(sparkJob('nightly-etl'));
    await pending;
  });

  it('waits for GetJob before the token when the lifetime depends on the job’s Timeout', async () => {
    const launcher = healthy();
    const job = gate<ReturnType<typeof sparkJob>>();
    launcher.glue.on(GetJobCommand).callsFake(() => job.promise);
    const pending = quietly(() => launcher.invoke({}));
    await new Promise((resolve) => setImmediate(resolve));
    expect(launcher.codeartifact).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 0);
    job.open(sparkJob('nightly-etl', { Timeout: 240 }));
    await pending;
    expect(launcher.codeartifact).toHaveReceivedCommandWith(GetAuthorizationTokenCommand, {
      durationSeconds: 240 * 60 + 900,
    });
  });

  it('fetches the repository endpoint once per container, and a fresh token every invocation', async () => {
    const launcher = healthy();
    await quietly(() => launcher.invoke({}));
    await quietly(() => launcher.invoke({}));
    await quietly(() => launcher.invoke({ jobs: [{}, { jobName: 'hourly-etl' }] }));
    expect(launcher.codeartifact).toHaveReceivedCommandTimes(GetRepositoryEndpointCommand, 1);
    expect(launcher.codeartifact).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 3);
  });

  it('does not cache a failed endpoint lookup', async () => {
    const launcher = healthy();
    launcher.codeartifact
      .on(GetRepositoryEndpointCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ repositoryEndpoint: ENDPOINT });
    expect((await failure(() => launcher.invoke({}))).name).toBe('TokenUnavailable');
    await expect(quietly(() => launcher.invoke({}))).resolves.toMatchObject({ jobName: 'nightly-etl' });
  });
});

describe('job checks before starting', () => {
  it.each([
    [
      '--no-index',
      { DefaultArguments: { '--python-modules-installer-option': '--upgrade --no-index' } },
      'InstallerOptionConflict',
      /--no-index/,
    ],
    [
      'a non-overridable installer option',
      { NonOverridableArguments: { '--python-modules-installer-option': '--upgrade' } },
      'InstallerOptionConflict',
      /NonOverridableArguments/,
    ],
    [
      'a pythonshell job',
      { Command: { Name: 'pythonshell' } },
      'UnsupportedJobType',
      /nightly-etl is a pythonshell job/,
    ],
    ['a Ray job', { Command: { Name: 'glueray' } }, 'UnsupportedJobType', /glueray/],
  ])('%s: %s, and nothing is started', async (_case, overrides, name, message) => {
    const launcher = healthy();
    launcher.glue.on(GetJobCommand).resolves(sparkJob('nightly-etl', overrides));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe(name);
    expect(error.message).toMatch(message);
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });

  it('a request that brings --no-index in its own installer option', async () => {
    const launcher = healthy();
    const error = await failure(() =>
      launcher.invoke({ arguments: { '--python-modules-installer-option': '--no-index' } }),
    );
    expect(error.name).toBe('InstallerOptionConflict');
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });

  it('a gluestreaming job is supported', async () => {
    const launcher = healthy();
    launcher.glue.on(GetJobCommand).resolves(sparkJob('nightly-etl', { Command: { Name: 'gluestreaming' } }));
    await expect(quietly(() => launcher.invoke({}))).resolves.toMatchObject({ jobRunId: 'jr_nightly-etl' });
  });
});

describe('service errors become named errors', () => {
  const glueError = <T extends Error>(Type: new (opts: never) => T, message: string) =>
    new Type({ message, $metadata: {} } as never);

  it('GetJob EntityNotFoundException is JobNotFound', async () => {
    const launcher = healthy();
    launcher.glue.on(GetJobCommand).rejects(glueError(EntityNotFoundException, 'Job not found'));
    const error = await failure(() => launcher.invoke({ jobName: 'missing-job' }));
    expect(error.name).toBe('JobNotFound');
    expect(error.message).toBe(
      'Job missing-job was not started: Glue has no such job (EntityNotFoundException: Job not found).',
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });

  it('ConcurrentRunsExceededException is ConcurrentRunsExceeded', async () => {
    const launcher = healthy();
    launcher.glue
      .on(StartJobRunCommand)
      .rejects(glueError(ConcurrentRunsExceededException, 'Concurrent runs exceeded for busy-job'));
    const error = await failure(() => launcher.invoke({ jobName: 'busy-job' }));
    expect(error.name).toBe('ConcurrentRunsExceeded');
    expect(error.message).toMatch(
      /^Job busy-job was not started: it already has as many runs as its MaxConcurrentRuns allows/,
    );
  });

  it('anything else from StartJobRun is StartJobRunFailed naming the service’s error', async () => {
    const launcher = healthy();
    launcher.glue.on(StartJobRunCommand).rejects(
      Object.assign(new Error('1 validation error'), {
        name: 'InvalidInputException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toBe(
      'Job nightly-etl was not started: StartJobRun failed with InvalidInputException: 1 validation error.',
    );
  });

  it('a server error on a start without a key is not retried blindly: it may have started', async () => {
    const launcher = healthy();
    launcher.glue.on(StartJobRunCommand).rejects(glueError(InternalServiceException, 'Internal failure'));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toMatch(
      /^Job nightly-etl may or may not have started: StartJobRun failed with InternalServiceException: Internal failure, and without an idempotency key/,
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
  });

  it('a GetJob failure other than not-found is StartJobRunFailed', async () => {
    const launcher = healthy();
    launcher.glue
      .on(GetJobCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toMatch(/GetJob failed with AccessDeniedException: not authorized/);
  });

  it('CodeArtifact failures are TokenUnavailable and start nothing', async () => {
    const launcher = healthy();
    launcher.codeartifact
      .on(GetAuthorizationTokenCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const error = await failure(() => launcher.invoke({}));
    expect(error.name).toBe('TokenUnavailable');
    expect(error.message).toBe(
      'Job nightly-etl was not started: CodeArtifact gave no token for domain data-platform: AccessDeniedException: User is not authorized.',
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });

  it('an empty CodeArtifact answer is TokenUnavailable too', async () => {
    const launcher = healthy();
    launcher.codeartifact.on(GetRepositoryEndpointCommand).resolves({});
    expect((await failure(() => launcher.invoke({}))).name).toBe('TokenUnavailable');
  });
});

describe('batches', () => {
  it('one token for the whole batch, sized for the longest need, and one result per job', async () => {
    const launcher = healthy();
    launcher.glue
      .on(GetJobCommand)
      .callsFake(({ JobName }) => sparkJob(JobName, { Timeout: JobName === 'hourly-etl' ? 600 : 60 }));
    const result = await quietly(() =>
      launcher.invoke({
        jobs: [{ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }, { jobName: 'nightly-etl', timeout: 5 }],
      }),
    );
    expect(result).toEqual({
      runs: [
        { jobName: 'nightly-etl', jobRunId: 'jr_nightly-etl' },
        { jobName: 'hourly-etl', jobRunId: 'jr_hourly-etl' },
        { jobName: 'nightly-etl', jobRunId: 'jr_nightly-etl' },
      ],
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(launcher.codeartifact).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 1);
    expect(launcher.codeartifact).toHaveReceivedCommandWith(GetAuthorizationTokenCommand, {
      durationSeconds: 600 * 60 + 900,
    });
    // The same job twice is read once.
    expect(launcher.glue).toHaveReceivedCommandTimes(GetJobCommand, 2);
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 3);
  });

  it('tries every job, then throws naming the ones that failed and the ones that started', async () => {
    const launcher = healthy();
    launcher.glue
      .on(GetJobCommand, { JobName: 'missing-job' })
      .rejects(Object.assign(new Error('Entity Not Found'), { name: 'EntityNotFoundException' }));
    launcher.glue
      .on(StartJobRunCommand, { JobName: 'busy-job' })
      .rejects(Object.assign(new Error('Concurrent runs exceeded'), { name: 'ConcurrentRunsExceededException' }));
    const error = await failure(() =>
      launcher.invoke({ jobs: [{ jobName: 'missing-job' }, { jobName: 'nightly-etl' }, { jobName: 'busy-job' }] }),
    );
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toMatch(
      /^2 of 3 jobs were not started: missing-job \(JobNotFound: .*\); busy-job \(ConcurrentRunsExceeded: .*\)\. Started: nightly-etl \(jr_nightly-etl\)\.$/,
    );
    expect(launcher.glue).toHaveReceivedCommandWith(StartJobRunCommand, { JobName: 'nightly-etl' });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 2);
  });

  it('keeps the shared error name when every failure has the same cause', async () => {
    const launcher = healthy();
    launcher.glue
      .on(StartJobRunCommand)
      .rejects(Object.assign(new Error('Concurrent runs exceeded'), { name: 'ConcurrentRunsExceededException' }));
    const error = await failure(() => launcher.invoke({ jobs: [{ jobName: 'busy-job' }, { jobName: 'hourly-etl' }] }));
    expect(error.name).toBe('ConcurrentRunsExceeded');
    expect(error.message).toMatch(/^2 of 2 jobs were not started: busy-job .*; hourly-etl .*\.$/);
  });

  it('never has more than MAX_PARALLEL_STARTS StartJobRun calls in flight', async () => {
    const launcher = healthy({ ...BASE_ENV, ALLOWED_JOB_NAMES: '*', MAX_PARALLEL_STARTS: '3' });
    let inFlight = 0;
    let peak = 0;
    launcher.glue.on(StartJobRunCommand).callsFake(async ({ JobName }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return { JobRunId: `jr_${JobName}` };
    });
    const jobs = Array.from({ length: 12 }, (_, i) => ({ jobName: `job-${i}` }));
    const result = (await quietly(() => launcher.invoke({ jobs }))) as { runs: unknown[] };
    expect(result.runs).toHaveLength(12);
    expect(peak).toBe(3);
  });
});

describe('rejectionOf helper', () => {
  it('fails when the promise resolves', async () => {
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow(/expected the call to fail/);
  });
});

describe('a warm container remembers each job’s timeout', () => {
  it('sizes the token before GetJob answers on the second launch: two round trips', async () => {
    const launcher = healthy();
    await quietly(() => launcher.invoke({}));
    launcher.glue.resetHistory();
    launcher.codeartifact.resetHistory();
    let jobAnswered = false;
    launcher.glue.on(GetJobCommand).callsFake(async ({ JobName }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      jobAnswered = true;
      return sparkJob(JobName);
    });
    let tokenAskedEarly = false;
    launcher.codeartifact.on(GetAuthorizationTokenCommand).callsFake(() => {
      tokenAskedEarly = !jobAnswered;
      return { authorizationToken: TOKEN, expiration: EXPIRES };
    });
    await quietly(() => launcher.invoke({}));
    expect(tokenAskedEarly).toBe(true);
    expect(launcher.codeartifact).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 1);
    expect(launcher.codeartifact).toHaveReceivedCommandWith(GetAuthorizationTokenCommand, {
      durationSeconds: 60 * 60 + 900,
    });
  });

  it('a job whose timeout grew since gets a token that covers the new one before it starts', async () => {
    const launcher = healthy();
    await quietly(() => launcher.invoke({}));
    launcher.codeartifact.resetHistory();
    launcher.glue.on(GetJobCommand).resolves(sparkJob('nightly-etl', { Timeout: 600 }));
    await quietly(() => launcher.invoke({}));
    const asked = launcher.codeartifact
      .commandCalls(GetAuthorizationTokenCommand)
      .map((c) => c.args[0].input.durationSeconds);
    expect(asked).toEqual([60 * 60 + 900, 600 * 60 + 900]);
    // The run got the second token: its recorded expiry is that token's.
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 2);
  });
});
