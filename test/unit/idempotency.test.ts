import { GetAuthorizationTokenCommand } from '@aws-sdk/client-codeartifact';
import { GetJobCommand, GetJobRunsCommand, type JobRun, StartJobRunCommand } from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { scheduledEvent } from '../../local/events';
import {
  findLaunch,
  IDEMPOTENCY_ARGUMENT,
  launchArguments,
  type RecentRun,
  runsToSearch,
  TOKEN_EXPIRY_ARGUMENT,
} from '../../src/idempotency';
import { START_MARGIN_MS } from '../../src/launch';
import { BASE_ENV, EXPIRES, healthyLauncher, type Launcher, sparkJob } from '../helpers/launcher';
import { captureOutput } from '../helpers/output';

const KEY = '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa';
const SCHEDULED = scheduledEvent(KEY);

const run = (id: string, key?: string, expires?: string): JobRun => ({
  Id: id,
  Arguments: {
    '--job-language': 'python',
    ...(key ? { [IDEMPOTENCY_ARGUMENT]: key } : {}),
    ...(expires ? { [TOKEN_EXPIRY_ARGUMENT]: expires } : {}),
  },
});

const outcome = async (launcher: Launcher, event: unknown, remainingMs?: number) => {
  const { result, error } = await captureOutput(() => launcher.invoke(event, remainingMs));
  return { result, error: error as Error | undefined };
};

const named = (name: string, message: string, status?: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('the idempotency record', () => {
  it('finds the newest run carrying the key, with the expiry it recorded', () => {
    const runs: RecentRun[] = [
      { id: 'jr_3', arguments: { [IDEMPOTENCY_ARGUMENT]: 'other' } },
      { id: 'jr_2', arguments: { [IDEMPOTENCY_ARGUMENT]: 'k', [TOKEN_EXPIRY_ARGUMENT]: '2026-11-22T00:00:00.000Z' } },
      { id: 'jr_1', arguments: { [IDEMPOTENCY_ARGUMENT]: 'k' } },
    ];
    expect(findLaunch(runs, 'k')).toEqual({ jobRunId: 'jr_2', tokenExpiresAt: '2026-11-22T00:00:00.000Z' });
    expect(findLaunch(runs, 'nope')).toBeUndefined();
  });

  it('puts the key (when there is one) and the token’s expiry on the run', () => {
    expect(launchArguments('k:3', EXPIRES)).toEqual({
      [IDEMPOTENCY_ARGUMENT]: 'k:3',
      [TOKEN_EXPIRY_ARGUMENT]: EXPIRES.toISOString(),
    });
    expect(launchArguments(undefined, EXPIRES)).toEqual({ [TOKEN_EXPIRY_ARGUMENT]: EXPIRES.toISOString() });
  });
});

describe('how far back a launch looks', () => {
  it('25 runs for a few launches, two per launch beyond, and a full page of 200 at most', () => {
    expect(runsToSearch(1)).toBe(25);
    expect(runsToSearch(30)).toBe(60);
    expect(runsToSearch(100)).toBe(200);
    expect(runsToSearch(150)).toBe(200);
  });

  it('a batch of 100 launches of one job asks for a page that holds every one of them', async () => {
    const launcher = healthyLauncher({ ...BASE_ENV });
    await outcome(launcher, { idempotencyKey: 'big', jobs: Array.from({ length: 100 }, () => ({})) });
    expect(launcher.glue).toHaveReceivedCommandWith(GetJobRunsCommand, { JobName: 'nightly-etl', MaxResults: 200 });
  });
});

describe('keyed launches', () => {
  it('a scheduled event’s run carries the event id, looked up with GetJobRuns in parallel with GetJob', async () => {
    const launcher = healthyLauncher();
    let jobAnswered = false;
    launcher.glue.on(GetJobCommand).callsFake(async ({ JobName }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      jobAnswered = true;
      return sparkJob(JobName);
    });
    launcher.glue.on(GetJobRunsCommand).callsFake(async () => {
      expect(jobAnswered).toBe(false); // asked before GetJob answered: no extra round trip
      return { JobRuns: [run('jr_old', 'another-event')] };
    });
    const { result } = await outcome(launcher, SCHEDULED);
    expect(result).toEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_nightly-etl',
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(launcher.glue).toHaveReceivedCommandWith(GetJobRunsCommand, { JobName: 'nightly-etl', MaxResults: 25 });
    const args = launcher.glue.commandCalls(StartJobRunCommand)[0]?.args[0].input.Arguments;
    expect(args?.[IDEMPOTENCY_ARGUMENT]).toBe(KEY);
  });

  it('a redelivery finds the run and starts nothing, without even asking for a token', async () => {
    const launcher = healthyLauncher();
    launcher.glue
      .on(GetJobRunsCommand)
      .resolves({ JobRuns: [run('jr_new', 'x'), run('jr_first', KEY, '2026-11-22T03:00:00.000Z')] });
    const { result } = await outcome(launcher, SCHEDULED);
    expect(result).toEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_first',
      tokenExpiresAt: '2026-11-22T03:00:00.000Z',
      reused: true,
    });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
    expect(launcher.codeartifact).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 0);
  });

  it('a request without a key does not look for earlier runs', async () => {
    const launcher = healthyLauncher();
    await outcome(launcher, { jobName: 'hourly-etl' });
    expect(launcher.glue).toHaveReceivedCommandTimes(GetJobRunsCommand, 0);
    const args = launcher.glue.commandCalls(StartJobRunCommand)[0]?.args[0].input.Arguments;
    expect(args).not.toHaveProperty(IDEMPOTENCY_ARGUMENT);
  });

  it('a redelivered batch starts only the jobs that did not start the first time', async () => {
    const launcher = healthyLauncher();
    launcher.glue.on(GetJobRunsCommand).callsFake(({ JobName }) => ({
      JobRuns: JobName === 'nightly-etl' ? [run('jr_n2', 'b:2'), run('jr_n0', 'b:0', EXPIRES.toISOString())] : [],
    }));
    const batch = { idempotencyKey: 'b', jobs: [{}, { jobName: 'hourly-etl' }, {}] };
    const { result } = await outcome(launcher, batch);
    expect(result).toEqual({
      runs: [
        { jobName: 'nightly-etl', jobRunId: 'jr_n0', reused: true },
        { jobName: 'hourly-etl', jobRunId: 'jr_hourly-etl' },
        { jobName: 'nightly-etl', jobRunId: 'jr_n2', reused: true },
      ],
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
    expect(launcher.glue).toHaveReceivedCommandWith(StartJobRunCommand, { JobName: 'hourly-etl' });
    // One GetJobRuns per job name, not per request.
    expect(launcher.glue).toHaveReceivedCommandTimes(GetJobRunsCommand, 2);
  });

  it('a GetJobRuns failure starts nothing: an earlier start could not be ruled out', async () => {
    const launcher = healthyLauncher();
    launcher.glue.on(GetJobRunsCommand).rejects(named('AccessDeniedException', 'no glue:GetJobRuns', 400));
    const { error } = await outcome(launcher, SCHEDULED);
    expect(error?.name).toBe('StartJobRunFailed');
    expect(error?.message).toMatch(
      /GetJobRuns failed with AccessDeniedException: no glue:GetJobRuns, so an earlier start of this launch could not be ruled out/,
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });
});

describe('starts whose answer is lost', () => {
  it('a keyed start that timed out finds its own run instead of starting another', async () => {
    const launcher = healthyLauncher();
    launcher.glue.on(StartJobRunCommand).rejects(named('TimeoutError', 'request timed out'));
    launcher.glue
      .on(GetJobRunsCommand)
      .resolvesOnce({ JobRuns: [] }) // before the start: none
      .resolves({ JobRuns: [run('jr_landed', KEY)] }); // after the lost answer: the start had landed
    const { result } = await outcome(launcher, SCHEDULED);
    expect(result).toMatchObject({ jobRunId: 'jr_landed' });
    expect(result).not.toHaveProperty('reused');
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 1);
  });

  it('a keyed start that got a server error, and did not land, is tried again', async () => {
    const launcher = healthyLauncher();
    launcher.glue
      .on(StartJobRunCommand)
      .rejectsOnce(named('InternalServiceException', 'Internal failure', 500))
      .resolves({ JobRunId: 'jr_second_try' });
    const { result } = await outcome(launcher, SCHEDULED);
    expect(result).toMatchObject({ jobRunId: 'jr_second_try' });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 2);
    expect(launcher.glue).toHaveReceivedCommandTimes(GetJobRunsCommand, 2);
  });

  it('a throttled start is tried again without looking: it was refused', async () => {
    const launcher = healthyLauncher();
    launcher.glue
      .on(StartJobRunCommand)
      .rejectsOnce(named('ThrottlingException', 'Rate exceeded', 400))
      .resolves({ JobRunId: 'jr_after_throttle' });
    const { result } = await outcome(launcher, { jobName: 'hourly-etl' });
    expect(result).toMatchObject({ jobRunId: 'jr_after_throttle' });
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 2);
    expect(launcher.glue).toHaveReceivedCommandTimes(GetJobRunsCommand, 0);
  });

  it('gives up after four attempts with the service’s error', async () => {
    const launcher = healthyLauncher();
    launcher.glue.on(StartJobRunCommand).rejects(named('ThrottlingException', 'Rate exceeded', 400));
    const { error } = await outcome(launcher, { jobName: 'hourly-etl' });
    expect(error?.message).toBe(
      'Job hourly-etl was not started: StartJobRun failed with ThrottlingException: Rate exceeded.',
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 4);
  });
});

describe('the function’s remaining time', () => {
  it('a batch starts no job with less than the margin left, and says a redelivery will', async () => {
    const launcher = healthyLauncher();
    const { error } = await outcome(launcher, { jobs: [{}, { jobName: 'hourly-etl' }] }, START_MARGIN_MS - 1);
    expect(error?.name).toBe('OutOfTime');
    expect(error?.message).toMatch(
      /^2 of 2 jobs were not started: nightly-etl \(OutOfTime: Job nightly-etl was not started: only \d+ ms of the function's time were left; a redelivery of the event will start it\)/,
    );
    expect(launcher.glue).toHaveReceivedCommandTimes(StartJobRunCommand, 0);
  });

  it('with time enough, the batch starts', async () => {
    const launcher = healthyLauncher();
    const { result } = await outcome(launcher, { jobs: [{}, { jobName: 'hourly-etl' }] }, START_MARGIN_MS + 1);
    expect((result as { runs: unknown[] }).runs).toHaveLength(2);
  });
});
