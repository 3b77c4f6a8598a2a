import { OTHER_PIP_OPTIONS } from '../../local/tools/fixtures';
import type { LauncherErrorName } from '../../src/errors';
import { DELIVERY_ARGUMENT, DIGEST_ARGUMENT, requestDigest, TOKEN_EXPIRY_ARGUMENT } from '../../src/idempotency/record';
import { START_MARGIN_MS } from '../../src/launch/launch';
import { GLUE_READS_IN_FLIGHT } from '../../src/launch/round-trip';
import type { FailureKind } from '../../src/ports';
import {
  batchOf,
  ENDPOINT,
  EXPIRES,
  expiresAfter,
  failure,
  gate,
  INDEX,
  INDEX_HOST,
  rejectionOf,
  single,
  sparkJob,
  TOKEN,
  testLauncher,
  WITH_RUN_SETTINGS,
} from '../helpers/fakes';

// The use case over in-memory fakes of Glue and CodeArtifact: what is asked, in which order, what is started.

describe('one launch', () => {
  it('starts the job with the merged arguments and returns the run id, expiry and delivery only', async () => {
    const l = testLauncher();
    const result = await l.launch(single({ jobName: 'nightly-etl' }));
    expect(result).toEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_nightly-etl_1',
      tokenDelivery: 'arguments',
      tokenExpiresAt: expiresAfter(60 * 60 + 900).toISOString(),
    });
    expect(l.glue.starts).toEqual([
      {
        jobName: 'nightly-etl',
        arguments: {
          '--additional-python-modules': 'acme-pipelines==1.4.0',
          '--python-modules-installer-option': `--index-url=${INDEX} ${OTHER_PIP_OPTIONS}`,
          '--job-language': 'python',
          // No key: only what was asked for and the token's expiry, for whoever reads the run later.
          [DIGEST_ARGUMENT]: requestDigest({ jobName: 'nightly-etl' }),
          [TOKEN_EXPIRY_ARGUMENT]: expiresAfter(60 * 60 + 900).toISOString(),
          [DELIVERY_ARGUMENT]: 'arguments',
        },
      },
    ]);
  });

  it('passes the request’s run settings to the start, and its arguments over the job’s', async () => {
    const l = testLauncher({ argumentPolicy: { mode: 'any' } });
    await l.launch(single(WITH_RUN_SETTINGS));
    const [start] = l.glue.starts;
    const { arguments: requested, ...settings } = WITH_RUN_SETTINGS;
    expect(start).toMatchObject(settings);
    expect(start?.arguments).toMatchObject(requested);
  });

  it('asks for a token that covers the job’s Timeout plus the margin', async () => {
    const l = testLauncher();
    await l.launch(single({ jobName: 'nightly-etl' }));
    expect(l.repository.durations).toEqual([60 * 60 + 900]);
  });

  it('uses --extra-index-url when PIP_INDEX_OPTION says so', async () => {
    const l = testLauncher({ pipIndexOption: 'extra-index-url' });
    await l.launch(single({ jobName: 'nightly-etl' }));
    expect(l.glue.starts[0]?.arguments['--python-modules-installer-option']).toBe(
      `--extra-index-url=${INDEX} ${OTHER_PIP_OPTIONS}`,
    );
  });

  it('logs one line per started run, and warns when a fixed lifetime is shorter than the run', async () => {
    const l = testLauncher({ tokenDuration: 900 });
    await l.launch(single({ jobName: 'nightly-etl' }));
    const info = l.logger.records.filter((r) => r.level === 'info');
    expect(info).toEqual([
      {
        level: 'info',
        message: 'Job run started',
        attributes: expect.objectContaining({
          jobName: 'nightly-etl',
          jobRunId: 'jr_nightly-etl_1',
          indexHost: INDEX_HOST,
          tokenExpiresAt: expiresAfter(900).toISOString(),
          durationMs: expect.any(Number),
        }),
      },
    ]);
    // The job's Timeout is 60 minutes: the run needs 60 * 60 + 900 seconds.
    expect(l.logger.records.filter((r) => r.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'Token may expire before the run ends',
        attributes: { jobName: 'nightly-etl', tokenSeconds: 900, runNeedsSeconds: 4500 },
      },
    ]);
  });
});

describe('before anything is called', () => {
  it('JobNotAllowed for any job of a batch off the allowlist, and no call at all', async () => {
    const l = testLauncher();
    const error = await rejectionOf(l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'payroll' })));
    expect(error.name).toBe('JobNotAllowed');
    expect(error.message).toBe(
      'Job payroll is not in ALLOWED_JOB_NAMES (template parameter AllowedJobNames), so nothing was started; add it there to allow it.',
    );
    expect([...l.glue.calls, ...l.repository.calls]).toEqual([]);
  });

  it('names every refused job', async () => {
    const l = testLauncher();
    const error = await rejectionOf(l.launch(batchOf({ jobName: 'a' }, { jobName: 'b' }, { jobName: 'a' })));
    expect(error.message).toBe(
      'Job a, b are not in ALLOWED_JOB_NAMES (template parameter AllowedJobNames), so nothing was started; add them there to allow them.',
    );
  });

  it('ArgumentNotAllowed for a protected argument under the safe policy, and no call at all', async () => {
    const l = testLauncher();
    const request = {
      jobName: 'nightly-etl',
      arguments: { '--run-date': '2026-11-21', '--scriptLocation': 's3://x/y.py' },
    };
    const error = await rejectionOf(l.launch(batchOf({ jobName: 'hourly-etl' }, request)));
    expect([error.name, error.message]).toEqual([
      'ArgumentNotAllowed',
      "Job nightly-etl was not started: argument --scriptLocation is not allowed, because ALLOWED_RUN_ARGUMENTS=safe lets a request set only the job's own arguments, and Glue reads --scriptLocation itself (docs/argument-policy.md); name the job's own argument differently (--my_scriptLocation would pass), or list the key in ALLOWED_RUN_ARGUMENTS (template parameter AllowedRunArguments) to allow it on purpose; nothing was started.",
    ]);
    expect([...l.glue.calls, ...l.repository.calls]).toEqual([]);
  });

  it('a key the launcher sets is refused under any policy, even "*"', async () => {
    const l = testLauncher({ argumentPolicy: { mode: 'any' } });
    const request = { jobName: 'nightly-etl', arguments: { '--launch-idempotency-key': 'forged' } };
    const error = await rejectionOf(l.launch(single(request)));
    expect(error.name).toBe('ArgumentNotAllowed');
    expect(error.message).toMatch(/--launch-\* arguments are set by the launcher alone/);
    expect([...l.glue.calls, ...l.repository.calls]).toEqual([]);
  });

  it('"*" allows any job', async () => {
    const l = testLauncher({ allowlist: { any: true } });
    l.glue.jobs.set('other', sparkJob('other'));
    await expect(l.launch(single({ jobName: 'other' }))).resolves.toMatchObject({ jobName: 'other' });
  });
});

describe('round trips', () => {
  it('GetJob, the endpoint and the token are in flight together when the lifetime is fixed', async () => {
    const l = testLauncher({ tokenDuration: 3600 });
    const job = gate();
    l.glue.holdNext('GetJob', job.promise);
    const pending = l.launch(single({ jobName: 'nightly-etl' }));
    await new Promise((resolve) => setImmediate(resolve));
    // GetJob has not answered, yet both CodeArtifact calls were already made.
    expect(l.glue.callsOf('GetJob')).toHaveLength(1);
    expect(l.repository.callsOf('GetRepositoryEndpoint')).toHaveLength(1);
    expect(l.repository.durations).toEqual([3600]);
    job.open();
    await expect(pending).resolves.toMatchObject({ jobName: 'nightly-etl' });
  });

  it('also with an auto lifetime when the request gives its timeout', async () => {
    const l = testLauncher();
    const job = gate();
    l.glue.holdNext('GetJob', job.promise);
    const pending = l.launch(single({ jobName: 'nightly-etl', timeout: 45 }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(l.repository.durations).toEqual([45 * 60 + 900]);
    job.open();
    await pending;
  });

  it('waits for GetJob before the token when the lifetime depends on the job’s Timeout', async () => {
    const l = testLauncher({}, [sparkJob('nightly-etl', { timeout: 240 })]);
    const job = gate();
    l.glue.holdNext('GetJob', job.promise);
    const pending = l.launch(single({ jobName: 'nightly-etl' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(l.repository.durations).toEqual([]);
    job.open();
    await pending;
    expect(l.repository.durations).toEqual([240 * 60 + 900]);
  });

  it('fetches the repository endpoint once per container, and a fresh token every invocation', async () => {
    const l = testLauncher();
    await l.launch(single({ jobName: 'nightly-etl' }));
    await l.launch(single({ jobName: 'nightly-etl' }));
    await l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }));
    expect(l.repository.callsOf('GetRepositoryEndpoint')).toHaveLength(1);
    expect(l.repository.durations).toHaveLength(3);
  });

  it('does not remember a failed endpoint lookup', async () => {
    const l = testLauncher();
    l.repository.failNext(
      'GetRepositoryEndpoint',
      failure('GetRepositoryEndpoint', 'throttled', 'ThrottlingException: Rate exceeded'),
    );
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe('TokenUnavailable');
    expect(error.message).toBe(
      'Job nightly-etl was not started: CodeArtifact did not give the endpoint of data-platform/private-pypi: ThrottlingException: Rate exceeded.',
    );
    await expect(l.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({ jobName: 'nightly-etl' });
    expect(l.repository.callsOf('GetRepositoryEndpoint')).toHaveLength(2);
  });
});

describe('what CodeArtifact gives is checked before it is used', () => {
  it('an endpoint that is not a URL is TokenUnavailable, is not remembered, and a later launch recovers', async () => {
    const l = testLauncher();
    l.repository.endpoint = 'not a url';
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect([error.name, error.message]).toEqual([
      'TokenUnavailable',
      'Job nightly-etl was not started: CodeArtifact did not give the endpoint of data-platform/private-pypi: the endpoint "not a url" is not an http(s) URL.',
    ]);
    expect(l.glue.starts).toEqual([]);
    l.repository.endpoint = ENDPOINT;
    await expect(l.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({ jobName: 'nightly-etl' });
    expect(l.repository.callsOf('GetRepositoryEndpoint')).toHaveLength(2);
  });

  it.each([
    ['already past', -60_000],
    ['less than 14 minutes away', 14 * 60_000 - 1_000],
  ])('a token whose expiry is %s is TokenUnavailable, and nothing starts', async (_case, fromNow) => {
    const l = testLauncher();
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + fromNow);
    l.repository.token = { token: TOKEN, expiresAt };
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect([error.name, error.message]).toEqual([
      'TokenUnavailable',
      `Job nightly-etl was not started: CodeArtifact gave a token that expires at ${expiresAt.toISOString()}, less than 14 minutes from now.`,
    ]);
    expect(l.glue.starts).toEqual([]);
  });

  it('a token with 16 minutes left is used', async () => {
    const l = testLauncher({ tokenDuration: 900 });
    l.repository.token = { token: TOKEN, expiresAt: new Date(Date.now() + 16 * 60_000) };
    await expect(l.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({ jobName: 'nightly-etl' });
  });

  it('the shortest lifetime CodeArtifact gives, 900 s, is used though it arrives with less than 15 minutes left', async () => {
    const l = testLauncher({ tokenDuration: 900 });
    await expect(l.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({
      tokenExpiresAt: expiresAfter(900).toISOString(),
    });
    expect(expiresAfter(900).getTime()).toBeLessThan(Date.now() + 15 * 60_000);
  });
});

describe('a warm container remembers each job’s timeout', () => {
  it('sizes the token before GetJob answers on the second launch: two round trips', async () => {
    const l = testLauncher();
    await l.launch(single({ jobName: 'nightly-etl' }));
    const job = gate();
    l.glue.holdNext('GetJob', job.promise);
    const pending = l.launch(single({ jobName: 'nightly-etl' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(l.repository.durations).toEqual([4500, 4500]); // the second asked before GetJob answered
    job.open();
    await pending;
    expect(l.repository.durations).toHaveLength(2);
  });

  it('a job whose timeout grew since gets a token that covers the new one before it starts', async () => {
    const l = testLauncher();
    await l.launch(single({ jobName: 'nightly-etl' }));
    l.glue.jobs.set('nightly-etl', sparkJob('nightly-etl', { timeout: 600 }));
    await l.launch(single({ jobName: 'nightly-etl' }));
    expect(l.repository.durations).toEqual([4500, 4500, 600 * 60 + 900]);
    expect(l.glue.starts).toHaveLength(2);
  });
});

describe('job checks before starting', () => {
  it.each([
    [
      '--no-index',
      { defaultArguments: { '--python-modules-installer-option': '--upgrade --no-index' } },
      'InstallerOptionConflict',
      /--no-index/,
    ],
    [
      'a non-overridable installer option',
      { nonOverridableArguments: { '--python-modules-installer-option': '--upgrade' } },
      'InstallerOptionConflict',
      /NonOverridableArguments/,
    ],
    [
      'a Python shell 3.6 job',
      { command: 'pythonshell', pythonVersion: '3' },
      'UnsupportedJobType',
      /^Job nightly-etl was not started: it is a Python shell job on Python 3\.6 \(PythonVersion "3"\)/,
    ],
    ['a Ray job', { command: 'glueray' }, 'UnsupportedJobType', /it is a Ray job/],
    ['a Glue 1.0 Spark job', { glueVersion: '1.0' }, 'UnsupportedJobType', /it runs Glue 1\.0/],
  ])('%s: %s, and nothing is started', async (_case, overrides, name, message) => {
    const l = testLauncher({}, [sparkJob('nightly-etl', overrides)]);
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe(name);
    expect(error.message).toMatch(message);
    expect(l.glue.starts).toEqual([]);
    expect(l.repository.durations).toEqual([]); // nothing to start, no token
  });

  it('a request that brings --no-index in its own installer option, where the policy lets it set one', async () => {
    const l = testLauncher({
      argumentPolicy: { mode: 'list', keys: new Set(['--python-modules-installer-option']), maxDpu: 10 },
    });
    const request = { jobName: 'nightly-etl', arguments: { '--python-modules-installer-option': '--no-index' } };
    expect((await rejectionOf(l.launch(single(request)))).name).toBe('InstallerOptionConflict');
    expect(l.glue.starts).toEqual([]);
  });

  it('a Python shell 3.9 job is started with the index in its modules value, its token sized for 2880 minutes', async () => {
    const shell = sparkJob('nightly-etl', {
      command: 'pythonshell',
      pythonVersion: '3.9',
      glueVersion: '3.0',
      timeout: undefined,
      defaultArguments: { '--additional-python-modules': 'acme-pipelines==1.4.0 -i https://aws:OLD@stale/simple/' },
    });
    const l = testLauncher({}, [shell]);
    await l.launch(single({ jobName: 'nightly-etl' }));
    expect(l.glue.starts[0]?.arguments).toMatchObject({
      '--additional-python-modules': `acme-pipelines==1.4.0 -i ${INDEX}`,
    });
    expect(l.glue.starts[0]?.arguments).not.toHaveProperty('--python-modules-installer-option');
    expect(l.repository.durations).toEqual([43_200]);
  });

  it('a Glue 5 job without a Timeout gets a token for 480 minutes, not 2880', async () => {
    const l = testLauncher({}, [sparkJob('nightly-etl', { glueVersion: '5.0', timeout: undefined })]);
    await l.launch(single({ jobName: 'nightly-etl' }));
    expect(l.repository.durations).toEqual([480 * 60 + 900]);
  });

  it('a gluestreaming job is supported', async () => {
    const l = testLauncher({}, [sparkJob('nightly-etl', { command: 'gluestreaming' })]);
    await expect(l.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({ jobName: 'nightly-etl' });
  });
});

describe('failures become named errors', () => {
  type Case = [string, 'glue' | 'repository', string, FailureKind, string, string, LauncherErrorName, string];
  it.each<Case>([
    [
      'a job Glue does not have is JobNotFound',
      'glue',
      'GetJob',
      'not-found',
      'EntityNotFoundException: Job busy-job not found',
      'busy-job',
      'JobNotFound',
      'Job busy-job was not started: Glue has no such job (EntityNotFoundException: Job busy-job not found).',
    ],
    [
      'a job at its MaxConcurrentRuns is ConcurrentRunsExceeded',
      'glue',
      'StartJobRun',
      'busy',
      'ConcurrentRunsExceededException: Concurrent runs exceeded',
      'busy-job',
      'ConcurrentRunsExceeded',
      'Job busy-job was not started: it already has as many runs as its MaxConcurrentRuns allows (ConcurrentRunsExceededException: Concurrent runs exceeded).',
    ],
    [
      'anything else Glue refuses is StartJobRunFailed naming the service’s error',
      'glue',
      'StartJobRun',
      'refused',
      'InvalidInputException: 1 validation error',
      'nightly-etl',
      'StartJobRunFailed',
      'Job nightly-etl was not started: StartJobRun failed with InvalidInputException: 1 validation error.',
    ],
    [
      'a GetJob failure other than not-found is StartJobRunFailed',
      'glue',
      'GetJob',
      'denied',
      'AccessDeniedException: not authorized',
      'nightly-etl',
      'StartJobRunFailed',
      'Job nightly-etl was not started: GetJob failed with AccessDeniedException: not authorized.',
    ],
    [
      'a CodeArtifact failure is TokenUnavailable',
      'repository',
      'GetAuthorizationToken',
      'denied',
      'AccessDeniedException: User is not authorized',
      'nightly-etl',
      'TokenUnavailable',
      'Job nightly-etl was not started: CodeArtifact gave no token for domain data-platform: AccessDeniedException: User is not authorized.',
    ],
  ])('%s, and nothing starts', async (_case, fake, operation, kind, detail, jobName, name, message) => {
    const l = testLauncher();
    l[fake].failNext(operation, failure(operation, kind, detail));
    const error = await rejectionOf(l.launch(single({ jobName })));
    expect([error.name, error.message]).toEqual([name, message]);
    expect(l.glue.runsOf(jobName)).toEqual([]);
  });

  it('a ServiceFailure from another copy of its class (the S3 adapter’s own bundle) is read as one', async () => {
    const l = testLauncher();
    class CopiedFailure extends Error {
      override readonly name = 'ServiceFailure';
      constructor(
        readonly operation: string,
        readonly kind: string,
        readonly detail: string,
      ) {
        super(detail);
      }
    }
    l.glue.failNext('StartJobRun', new CopiedFailure('StartJobRun', 'refused', 'InvalidInputException: no'));
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.message).toBe('Job nightly-etl was not started: StartJobRun failed with InvalidInputException: no.');
  });

  it('something that is not a service’s answer still leaves as a named error', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', new TypeError('x is not a function'));
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toBe('Job nightly-etl was not started: TypeError: x is not a function.');
  });
});

describe('batches', () => {
  it('one token for the whole batch, sized for the longest need, one GetJob per job, one result per job', async () => {
    const l = testLauncher({}, [sparkJob('nightly-etl'), sparkJob('hourly-etl', { timeout: 600 })]);
    const result = await l.launch(
      batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }, { jobName: 'nightly-etl', timeout: 5 }),
    );
    expect(result).toEqual({
      runs: [
        { jobName: 'nightly-etl', jobRunId: 'jr_nightly-etl_1', tokenDelivery: 'arguments' },
        { jobName: 'hourly-etl', jobRunId: 'jr_hourly-etl_2', tokenDelivery: 'arguments' },
        { jobName: 'nightly-etl', jobRunId: 'jr_nightly-etl_3', tokenDelivery: 'arguments' },
      ],
      tokenExpiresAt: expiresAfter(600 * 60 + 900).toISOString(),
    });
    expect(l.repository.durations).toEqual([600 * 60 + 900]);
    expect(l.glue.callsOf('GetJob')).toEqual(['nightly-etl', 'hourly-etl']);
    expect(l.glue.starts).toHaveLength(3);
  });

  it('tries every job, then fails naming the ones that failed and the ones that started', async () => {
    const l = testLauncher();
    l.glue.jobs.delete('hourly-etl');
    l.glue.failNext(
      'StartJobRun',
      failure('StartJobRun', 'busy', 'ConcurrentRunsExceededException: busy'),
      1,
      (run) => run.jobName === 'busy-job',
    );
    const error = await rejectionOf(
      l.launch(batchOf({ jobName: 'hourly-etl' }, { jobName: 'nightly-etl' }, { jobName: 'busy-job' })),
    );
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toMatch(
      /^2 of 3 jobs were not started: hourly-etl \(JobNotFound: .*\); busy-job \(ConcurrentRunsExceeded: .*\)\. Started: nightly-etl \(jr_nightly-etl_\d\)\.$/,
    );
    expect(l.glue.starts.map((s) => s.jobName)).toEqual(['nightly-etl', 'busy-job']);
  });

  it('keeps the shared error name when every failure has the same cause', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'busy', 'ConcurrentRunsExceededException: busy'), 2);
    const error = await rejectionOf(l.launch(batchOf({ jobName: 'busy-job' }, { jobName: 'hourly-etl' })));
    expect(error.name).toBe('ConcurrentRunsExceeded');
    expect(error.message).toMatch(/^2 of 2 jobs were not started: busy-job .*; hourly-etl .*\.$/);
  });

  it('never has more than MAX_PARALLEL_STARTS StartJobRun calls in flight', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `job-${i}`);
    const l = testLauncher(
      { allowlist: { any: true }, maxParallelStarts: 3 },
      names.map((name) => sparkJob(name)),
    );
    l.glue.answerAfter(2);
    const result = await l.launch(batchOf(...names.map((jobName) => ({ jobName }))));
    expect('runs' in result && result.runs).toHaveLength(12);
    expect(l.glue.peakInFlight('StartJobRun')).toBe(3);
  });

  it('never has more than GLUE_READS_IN_FLIGHT GetJob and GetJobRuns calls in flight, a keyed batch of 100 included', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `job-${i}`);
    const l = testLauncher(
      { allowlist: { any: true } },
      names.map((name) => sparkJob(name)),
    );
    l.glue.answerAfter(2);
    const result = await l.launch(
      batchOf(...names.map((jobName) => ({ jobName, idempotencyKey: `backfill ${jobName}` }))),
    );
    expect('runs' in result && result.runs).toHaveLength(100);
    expect([l.glue.callsOf('GetJob').length, l.glue.callsOf('GetJobRuns').length]).toEqual([100, 100]);
    expect(l.glue.peakInFlight('GetJob', 'GetJobRuns')).toBe(GLUE_READS_IN_FLIGHT);
    expect(GLUE_READS_IN_FLIGHT).toBeLessThan(50); // the SDK's sockets per host (@smithy/node-http-handler)
  });
});

describe('the edges the mutation report found untested', () => {
  const keyed = (jobName: string, key: string) => ({ jobName, idempotencyKey: key });

  it('a token refused fails only the jobs waiting for it: a reused one stays reused', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_first', {
      '--launch-idempotency-key': 'k:1',
      [DIGEST_ARGUMENT]: requestDigest(keyed('nightly-etl', 'k:1')),
    });
    l.repository.failNext('GetAuthorizationToken', failure('GetAuthorizationToken', 'denied', 'AccessDenied: no'));
    const error = await rejectionOf(l.launch(batchOf(keyed('nightly-etl', 'k:1'), keyed('hourly-etl', 'k:2'))));
    expect(error.message).toBe(
      '1 of 2 jobs were not started: hourly-etl (TokenUnavailable: Job hourly-etl was not started: CodeArtifact gave no token for domain data-platform: AccessDenied: no). Started: nightly-etl (jr_first).',
    );
  });

  it('logs the token it asks for and gets at debug, by duration, host and expiry, never the token', async () => {
    const l = testLauncher({ tokenDuration: 3600 });
    await l.launch(single({ jobName: 'nightly-etl' }));
    const debug = l.logger.records.filter((r) => r.level === 'debug');
    expect(debug).toEqual([
      { level: 'debug', message: 'Requesting authorization token', attributes: { durationSeconds: 3600 } },
      {
        level: 'debug',
        message: 'Authorization token ready',
        attributes: { indexHost: INDEX_HOST, tokenExpiresAt: expiresAfter(3600).toISOString() },
      },
    ]);
    const started = l.logger.records.find((r) => r.message === 'Job run started')?.attributes;
    expect(started?.durationMs).toEqual(expect.any(Number));
    expect(started?.durationMs as number).toBeGreaterThanOrEqual(0);
    expect(started?.durationMs as number).toBeLessThan(60_000);
  });

  it('a keyed and an unkeyed launch of one job: a failed look refuses only the keyed one', async () => {
    const l = testLauncher();
    l.glue.failNext('GetJobRuns', failure('GetJobRuns', 'server-error', 'InternalServiceException (HTTP 500)'), 3);
    const error = await rejectionOf(l.launch(batchOf(keyed('nightly-etl', 'k:1'), { jobName: 'nightly-etl' })));
    expect(error.message).toMatch(
      /^1 of 2 jobs were not started: nightly-etl \(StartJobRunFailed: .*\)\. Started: nightly-etl \(jr_nightly-etl_1\)\.$/,
    );
    expect(l.glue.starts).toHaveLength(1);
  });

  it('the run’s DPUs count the job’s own worker type once GetJob says it; an unknown one cannot be bounded', async () => {
    const l = testLauncher({}, [sparkJob('nightly-etl', { workerType: 'G.2X', numberOfWorkers: 2 })]);
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl', numberOfWorkers: 6 })));
    expect([error.name, error.message]).toEqual([
      'ArgumentNotAllowed',
      'Job nightly-etl was not started: run setting numberOfWorkers is not allowed, because 6 G.2X workers are 12 DPUs, more than MAX_DPU=10 (raise the template parameter MaxDpu to allow it); nothing was started.',
    ]);
    expect(l.glue.starts).toEqual([]);
    const unknown = testLauncher({}, [sparkJob('nightly-etl', { workerType: 'G.64X', numberOfWorkers: 2 })]);
    const refused = await rejectionOf(unknown.launch(single({ jobName: 'nightly-etl', numberOfWorkers: 2 })));
    expect(refused.message).toMatch(
      /^Job nightly-etl was not started: run setting numberOfWorkers is not allowed, because the job's worker type "G\.64X" is not a worker type whose size the launcher knows/,
    );
    // A job of that type may still run as it is: only a size the request changes needs bounding.
    await expect(unknown.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({ jobName: 'nightly-etl' });
  });

  it('a batch with exactly the start margin left still starts', async () => {
    const l = testLauncher();
    const result = await l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }), START_MARGIN_MS);
    expect('runs' in result && result.runs).toHaveLength(2);
  });

  it('a token with exactly 14 minutes of life is used; a second less is refused', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    for (const [lifeMs, name] of [
      [14 * 60_000, undefined],
      [14 * 60_000 - 1_000, 'TokenUnavailable'],
    ] as const) {
      const l = testLauncher({ clock: () => now });
      l.repository.token = { token: TOKEN, expiresAt: new Date(now + lifeMs) };
      const outcome = await l.launch(single({ jobName: 'nightly-etl' })).catch((error: Error) => error);
      expect([lifeMs, outcome instanceof Error ? outcome.name : undefined]).toEqual([lifeMs, name]);
    }
  });

  it('a job without its own requirements file reads nothing from S3', async () => {
    const l = testLauncher({ tokenDelivery: 'auto' });
    await l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }));
    expect(l.store.callsOf('GetObject')).toEqual([]);
  });

  it('an endpoint too long to show is cut at 80 characters in the message', async () => {
    const l = testLauncher();
    l.repository.endpoint = `ftp://${'x'.repeat(100)}`;
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.message).toBe(
      `Job nightly-etl was not started: CodeArtifact did not give the endpoint of data-platform/private-pypi: the endpoint "ftp://${'x'.repeat(74)}..." is not an http(s) URL.`,
    );
  });

  it('a batch’s expiry is the earliest of its runs’ tokens, a reused run’s recorded one included', async () => {
    const l = testLauncher();
    const earlier = new Date(EXPIRES.getTime() - 60 * 60_000).toISOString();
    l.glue.addRun('hourly-etl', 'jr_first', {
      '--launch-idempotency-key': 'k:2',
      [DIGEST_ARGUMENT]: requestDigest(keyed('hourly-etl', 'k:2')),
      [TOKEN_EXPIRY_ARGUMENT]: earlier,
    });
    const result = await l.launch(batchOf({ jobName: 'nightly-etl' }, keyed('hourly-etl', 'k:2')));
    expect(result).toStrictEqual({
      runs: [
        { jobName: 'nightly-etl', jobRunId: 'jr_nightly-etl_1', tokenDelivery: 'arguments' },
        { jobName: 'hourly-etl', jobRunId: 'jr_first', reused: true },
      ],
      tokenExpiresAt: earlier,
    });
  });

  it('a reused run that recorded neither expiry nor delivery is returned with neither field', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_first', { '--launch-idempotency-key': 'k:1' });
    expect(await l.launch(single(keyed('nightly-etl', 'k:1')))).toStrictEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_first',
      reused: true,
    });
  });
});
