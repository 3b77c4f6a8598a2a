import { GetAuthorizationTokenCommand } from '@aws-sdk/client-codeartifact';
import { GetJobCommand, StartJobRunCommand } from '@aws-sdk/client-glue';
import { codeartifactClient, glueClient } from '../../src/aws/clients';
import { EXPIRES, INDEX_HOST, TOKEN } from '../helpers/fakes';
import { captureOutput } from '../helpers/output';
import { BASE_ENV, type MockedLauncher, mockedLauncher, sdkJob } from '../helpers/sdk-mocks';
import { expectNoLeak, leakSpellings } from '../helpers/secrets';

const DEBUG_ENV = { ...BASE_ENV, POWERTOOLS_LOG_LEVEL: 'DEBUG' };

/** Raw, percent-encoded in either case, JSON-escaped, base64 of `aws:<token>`, or any 16 characters of those. */
const expectNoToken = (text: string) => expectNoLeak(text, TOKEN);

const installerOption = (args: Record<string, string> | undefined) => args?.['--python-modules-installer-option'] ?? '';

type Scenario = [string, (launcher: MockedLauncher) => void, unknown];

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

const SCENARIOS: Scenario[] = [
  ['success', () => undefined, {}],
  ['a batch', () => undefined, { jobs: [{}, { jobName: 'hourly-etl' }] }],
  ['InvalidRequest', () => undefined, { jobName: 'nightly-etl', typo: 1 }],
  ['JobNotAllowed', () => undefined, { jobName: 'payroll' }],
  ['JobNotFound', (l) => l.glue.on(GetJobCommand).rejects(named('EntityNotFoundException', 'nope')), {}],
  [
    'InstallerOptionConflict',
    (l) =>
      l.glue
        .on(GetJobCommand)
        .resolves(sdkJob('nightly-etl', { DefaultArguments: { '--python-modules-installer-option': '--no-index' } })),
    {},
  ],
  [
    'UnsupportedJobType',
    (l) => l.glue.on(GetJobCommand).resolves(sdkJob('nightly-etl', { Command: { Name: 'pythonshell' } })),
    {},
  ],
  [
    'TokenUnavailable',
    (l) => l.codeartifact.on(GetAuthorizationTokenCommand).rejects(named('AccessDeniedException', 'denied')),
    {},
  ],
  [
    'ConcurrentRunsExceeded',
    (l) => l.glue.on(StartJobRunCommand).rejects(named('ConcurrentRunsExceededException', 'busy')),
    {},
  ],
  [
    // Glue may echo a run's arguments back in an error: the token must not ride along.
    'StartJobRunFailed echoing the arguments',
    (l) =>
      l.glue
        .on(StartJobRunCommand)
        .callsFake(({ Arguments }) =>
          Promise.reject(named('InvalidInputException', `bad arguments ${JSON.stringify(Arguments)}`)),
        ),
    {},
  ],
  [
    'a batch whose failures echo the token',
    (l) =>
      l.glue
        .on(StartJobRunCommand, { JobName: 'hourly-etl' })
        .callsFake(({ Arguments }) =>
          Promise.reject(named('ValidationException', `${Arguments['--python-modules-installer-option']} ${TOKEN}`)),
        ),
    { jobs: [{}, { jobName: 'hourly-etl' }] },
  ],
  ...leakSpellings(TOKEN).map(
    (spelling, n): Scenario => [
      `StartJobRunFailed echoing spelling ${n} of the token, whole and cut to a fragment, beside a URL password`,
      (l) =>
        l.glue
          .on(StartJobRunCommand)
          .callsFake(({ Arguments }) =>
            Promise.reject(
              named(
                'InvalidInputException',
                `bad option ${installerOption(Arguments).toLowerCase()} near ${spelling} (${spelling.slice(7, 40)}) from https://user:hunter2hunter2@example.com/x`,
              ),
            ),
          ),
      {},
    ],
  ),
];

describe('the token never leaves StartJobRun’s arguments', () => {
  it.each(SCENARIOS)('%s, at DEBUG level', async (_name, arrange, event) => {
    const { result, error, output } = await captureOutput(async () => {
      const launcher = mockedLauncher(DEBUG_ENV);
      arrange(launcher);
      return launcher.invoke(event);
    });
    expect(output).toMatch(/"level":"DEBUG"/); // DEBUG was really on
    expectNoToken(output);
    expectNoToken(JSON.stringify(result ?? null));
    if (error) {
      const e = error as Error;
      expectNoToken(`${e.name} ${e.message} ${e.stack} ${JSON.stringify(e)}`);
      expect(e.message).not.toMatch(/\n/);
      expect(`${e.message}${output}`).not.toContain('hunter2');
    }
  });

  it('the SDK clients log nothing (no logger is given to them)', () => {
    for (const client of [glueClient, codeartifactClient]) {
      const { logger } = client.config;
      expect(logger.constructor.name).toBe('NoOpLogger');
    }
  });
});

describe('one log line per started run', () => {
  it('names the job, the run, the index host, the expiry and the time taken', async () => {
    const { output } = await captureOutput(async () => {
      const launcher = mockedLauncher(BASE_ENV);
      return launcher.invoke({ jobs: [{}, { jobName: 'hourly-etl' }] });
    });
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    const started = lines.filter((line) => line.message === 'Job run started');
    expect(started).toHaveLength(2);
    for (const line of started) {
      expect(line).toMatchObject({
        level: 'INFO',
        service: 'glue-launcher',
        indexHost: INDEX_HOST,
        tokenExpiresAt: EXPIRES.toISOString(),
        function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      });
      expect(typeof line.durationMs).toBe('number');
    }
    expect(started.map((line) => [line.jobName, line.jobRunId])).toEqual([
      ['nightly-etl', 'jr_nightly-etl'],
      ['hourly-etl', 'jr_hourly-etl'],
    ]);
    // At INFO, nothing else is said about a successful launch, beside its one metrics record.
    expect(lines.filter((line) => line.level !== 'INFO' && !('_aws' in line))).toEqual([]);
    expect(lines.filter((line) => '_aws' in line)).toHaveLength(1);
  });

  it('warns when a fixed TOKEN_DURATION_SECONDS is shorter than the run can last', async () => {
    const { output } = await captureOutput(async () =>
      mockedLauncher({ ...BASE_ENV, TOKEN_DURATION_SECONDS: '900' }).invoke({}),
    );
    const warnings = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === 'WARN');
    // The job's Timeout is 60 minutes: the run needs 60 * 60 + 900 seconds.
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'Token may expire before the run ends',
        jobName: 'nightly-etl',
        tokenSeconds: 900,
        runNeedsSeconds: 4500,
      }),
    ]);
  });
});
