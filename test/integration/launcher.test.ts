import { GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';
import { StandIn } from '../../local/standin/server';
import { BundleSession } from '../../local/tools/bundle';
import { OTHER_PIP_OPTIONS, pythonShellJob, standInClientConfig, teamJob } from '../../local/tools/fixtures';
import { indexesPipRead, invokeAgainst, ONLY_THE_PRIVATE_INDEX, runIdOf } from '../helpers/stand-in';

// The built bundle, in a fresh Node process per invocation, through the real SDK over HTTP to the stand-in,
// and real pip installing from the stand-in's private index.
jest.setTimeout(60_000);

let standIn: StandIn;
const ENV = {
  GLUE_JOB_NAME: 'nightly-etl',
  ALLOWED_JOB_NAMES: 'nightly-etl,hourly-etl,busy-etl,shell-job,shell-39,shell-multi,missing-job',
};

beforeAll(async () => {
  standIn = await StandIn.start({
    install: 'pip',
    packages: [
      { name: 'acme-pipelines', version: '1.4.0' },
      { name: 'acme-extras', version: '0.3.0' },
    ],
  });
  standIn.createJob(teamJob('nightly-etl'));
  standIn.createJob(teamJob('hourly-etl'));
  standIn.createJob(teamJob('busy-etl', { ExecutionProperty: { MaxConcurrentRuns: 1 } }));
  standIn.createJob(teamJob('shell-job', { Command: { Name: 'pythonshell', PythonVersion: '3' } }));
  // A Python shell 3.9 job whose modules value carries an index URL with a token that expired an hour ago.
  standIn.createJob(pythonShellJob('shell-39', standIn.indexUrl(standIn.codeartifact.issueExpired(3600))));
  // Two modules, the first with the stale index in AWS's documented form, the second without one.
  const stale = standIn.indexUrl(standIn.codeartifact.issueExpired(3600));
  standIn.createJob(
    pythonShellJob('shell-multi', stale, {
      DefaultArguments: { '--additional-python-modules': `acme-pipelines==1.4.0 -i ${stale}, acme-extras==0.3.0` },
    }),
  );
});
afterAll(() => standIn?.stop());
afterEach(() => {
  standIn.faults.clear();
  standIn.holdRuns = false;
});

const installerOption = (runId: string) =>
  standIn.runs().find((run) => run.Id === runId)?.Arguments['--python-modules-installer-option'] as string;

describe('the launcher against the local stand-in', () => {
  it('starts a run whose pip installs the private package through the fresh token', async () => {
    const id = runIdOf(await invokeAgainst(standIn, {}, ENV));
    const run = await standIn.waitForRun(id);
    expect(run.JobRunState).toBe('SUCCEEDED');
    expect(standIn.outcomeOf(id)?.installed).toEqual(['acme-pipelines-1.4.0']);
    // The URL carries the token CodeArtifact issued last, and pip fetched the package with it.
    const latest = standIn.issuedTokens().at(-1)?.token as string;
    expect(installerOption(id)).toContain(`aws:${encodeURIComponent(latest)}@127.0.0.1`);
    expect(standIn.callsOf('PyPI').filter((call) => call.status === 200).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the job’s other defaults and pip options, and merges the request’s arguments', async () => {
    const invocation = await invokeAgainst(
      standIn,
      { jobName: 'hourly-etl', arguments: { '--run-date': '2026-11-21' } },
      ENV,
    );
    const id = runIdOf(invocation);
    const run = standIn.runs('hourly-etl').find((r) => r.Id === id);
    expect(run?.Arguments['--job-language']).toBe('python');
    expect(run?.Arguments['--run-date']).toBe('2026-11-21');
    expect(installerOption(id)).toMatch(
      new RegExp(
        `^--index-url=http://aws:[^@\\s]+@127\\.0\\.0\\.1:\\d+/pypi/private-pypi/simple/ ${OTHER_PIP_OPTIONS}$`,
      ),
    );
    expect(installerOption(id)).not.toContain('STALE');
    expect((await standIn.waitForRun(id)).JobRunState).toBe('SUCCEEDED');
  });

  it('a run given an expired token fails to install, as on Glue', async () => {
    const { authorizationToken } = standIn.codeartifact.getAuthorizationToken(
      new URLSearchParams({ domain: 'data-platform', duration: '900' }),
    );
    standIn.clock.advance(901);
    const glue = new GlueClient(standInClientConfig(standIn));
    const { JobRunId } = await glue.send(
      new StartJobRunCommand({
        JobName: 'hourly-etl',
        Arguments: {
          '--python-modules-installer-option': `--index-url=${standIn.indexUrl(authorizationToken as string)}`,
        },
      }),
    );
    const run = await standIn.waitForRun(JobRunId as string);
    expect(run.JobRunState).toBe('FAILED');
    expect(run.ErrorMessage).toMatch(/No matching distribution found for acme-pipelines==1\.4\.0/);
    expect(standIn.callsOf('PyPI').at(-1)?.status).toBe(401);
  });

  it('a Python shell 3.9 job: as-is, its stale token fails pip; launched, real pip installs through the fresh one', async () => {
    const glue = new GlueClient(standInClientConfig(standIn));
    const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: 'shell-39' }));
    const asIs = await standIn.waitForRun(JobRunId as string);
    expect(asIs.JobRunState).toBe('FAILED');
    expect(asIs.ErrorMessage).toMatch(/No matching distribution found for acme-pipelines==1\.4\.0/);

    const id = runIdOf(await invokeAgainst(standIn, { jobName: 'shell-39' }, ENV));
    const run = await standIn.waitForRun(id);
    expect(run.JobRunState).toBe('SUCCEEDED');
    expect(standIn.outcomeOf(id)?.installed).toEqual(['acme-pipelines-1.4.0']);
    const latest = standIn.issuedTokens().at(-1)?.token as string;
    expect(run.Arguments['--additional-python-modules']).toBe(`acme-pipelines==1.4.0 -i ${standIn.indexUrl(latest)}`);
    expect(run.Arguments).not.toHaveProperty('--python-modules-installer-option');
    // pip looked in the launcher's index alone: the stale one is gone from what it read.
    expect(indexesPipRead(standIn, id)).toEqual([expect.stringMatching(ONLY_THE_PRIVATE_INDEX)]);
  });

  // AWS does not say whether Glue runs one pip for a Python shell value or one per comma-separated item: the
  // launcher's value must install from its index alone under either reading (the stand-in does both).
  it.each(['one-pip', 'pip-per-item'] as const)(
    'a multi-module Python shell job installs every module from the private index alone, Glue running %s',
    async (reading) => {
      standIn.pythonShellReading = reading;
      try {
        const id = runIdOf(await invokeAgainst(standIn, { jobName: 'shell-multi' }, ENV));
        const run = await standIn.waitForRun(id);
        expect(run.JobRunState).toBe('SUCCEEDED');
        expect([...(standIn.outcomeOf(id)?.installed ?? [])].sort()).toEqual([
          'acme-extras-0.3.0',
          'acme-pipelines-1.4.0',
        ]);
        const read = indexesPipRead(standIn, id);
        expect(read).toHaveLength(reading === 'one-pip' ? 1 : 2);
        for (const line of read) expect(line).toMatch(ONLY_THE_PRIVATE_INDEX);
      } finally {
        standIn.pythonShellReading = 'one-pip';
      }
    },
  );

  it('retries throttled calls and starts the job once', async () => {
    standIn.failNext('GetAuthorizationToken', 1, 'throttle');
    standIn.failNext('StartJobRun', 2, 'throttle');
    const before = standIn.runs('hourly-etl').length;
    const startsBefore = standIn.callsOf('StartJobRun').length;
    const id = runIdOf(await invokeAgainst(standIn, { jobName: 'hourly-etl', timeout: 30 }, ENV));
    expect(standIn.runs('hourly-etl')).toHaveLength(before + 1);
    expect(
      standIn
        .callsOf('StartJobRun')
        .slice(startsBefore)
        .map((c) => c.status),
    ).toEqual([400, 400, 200]);
    expect((await standIn.waitForRun(id)).JobRunState).toBe('SUCCEEDED');
  });

  it.each([
    [
      'JobNotFound',
      () => undefined,
      { jobName: 'missing-job' },
      /Job missing-job was not started: Glue has no such job/,
    ],
    ['UnsupportedJobType', () => undefined, { jobName: 'shell-job' }, /is a Python shell job on Python 3\.6/],
    [
      'TokenUnavailable',
      () => standIn.failNext('GetAuthorizationToken', 1, 'accessDenied'),
      {},
      /CodeArtifact gave no token for domain data-platform: AccessDeniedException/,
    ],
    [
      'StartJobRunFailed',
      () => standIn.failNext('StartJobRun', 3, 'internal'),
      { jobName: 'hourly-etl' },
      /StartJobRun failed with InternalServiceException/,
    ],
    ['InvalidRequest', () => undefined, { jobName: 'nightly-etl', worker: 'G.1X' }, /unknown field "worker"/],
    [
      'JobNotAllowed',
      () => undefined,
      { jobName: 'payroll' },
      /payroll is not in ALLOWED_JOB_NAMES \(template parameter AllowedJobNames\), so nothing was started; add it there/,
    ],
  ])('surfaces %s', async (name, arrange, event, message) => {
    arrange();
    const starts = standIn.callsOf('StartJobRun').filter((c) => c.status === 200).length;
    const { error } = await invokeAgainst(standIn, event, ENV);
    expect(error?.name).toBe(name);
    expect(error?.message).toMatch(message);
    expect(standIn.callsOf('StartJobRun').filter((c) => c.status === 200)).toHaveLength(starts);
  });

  it('surfaces ConcurrentRunsExceeded when the job already runs MaxConcurrentRuns times', async () => {
    standIn.holdRuns = true;
    runIdOf(await invokeAgainst(standIn, { jobName: 'busy-etl' }, ENV));
    const { error } = await invokeAgainst(standIn, { jobName: 'busy-etl' }, ENV);
    expect(error?.name).toBe('ConcurrentRunsExceeded');
    expect(error?.message).toMatch(
      /^Job busy-etl was not started: it already has as many runs as its MaxConcurrentRuns allows/,
    );
  });

  it('a session hands the bundle an event holding U+2028 and U+2029 intact (line separators to readline)', async () => {
    const session = new BundleSession({ ...standIn.env(), ...ENV });
    try {
      const { error } = await session.invoke({
        jobName: 'hourly-etl',
        arguments: { '--note': 'a\u2028b\u2029c' },
        typo: 1,
      });
      expect(error?.name).toBe('InvalidRequest');
      expect(error?.message).toMatch(/unknown field "typo"/);
    } finally {
      await session.close();
    }
  });

  it('a warm container reports its cold start once, as Lambda’s does', async () => {
    const session = new BundleSession({ ...standIn.env(), ...ENV });
    try {
      const coldStarts = [];
      for (let i = 0; i < 2; i += 1) {
        const { logs } = await session.invoke({ jobName: 'hourly-etl' });
        const started = logs.split('\n').find((line) => line.includes('"Job run started"')) as string;
        coldStarts.push(JSON.parse(started).cold_start);
      }
      expect(coldStarts).toEqual([true, false]);
    } finally {
      await session.close();
    }
  });

  it('a bad configuration fails with ConfigError and calls nothing', async () => {
    const calls = standIn.calls.length;
    const { error } = await invokeAgainst(standIn, {}, { ...ENV, CODEARTIFACT_DOMAIN_OWNER: 'me' });
    expect(error?.name).toBe('ConfigError');
    // No AWS call (earlier runs' pip may still be fetching from the index meanwhile).
    expect(standIn.calls.slice(calls).filter((call) => call.service !== 'pypi')).toEqual([]);
  });
});
