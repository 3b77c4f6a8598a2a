import {
  findLaunch,
  IDEMPOTENCY_ARGUMENT,
  keyedLaunchesPerJob,
  launchArguments,
  type RecentRun,
  runsToSearch,
  TOKEN_EXPIRY_ARGUMENT,
} from '../../src/domain/idempotency';
import { START_MARGIN_MS } from '../../src/launch/launch';
import { MAX_START_ATTEMPTS } from '../../src/launch/start-policy';
import { batchOf, EXPIRES, failure, gate, rejectionOf, single, testLauncher } from '../helpers/fakes';

const KEY = '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa';
const keyed = (jobName = 'nightly-etl', key = KEY) => single({ jobName, idempotencyKey: key });

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

  it('counts the keyed launches of each job name once', () => {
    const counts = keyedLaunchesPerJob([
      { jobName: 'a', idempotencyKey: 'k:0' },
      { jobName: 'b' },
      { jobName: 'a', idempotencyKey: 'k:2' },
    ]);
    expect([...counts]).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
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
    const l = testLauncher();
    const requests = Array.from({ length: 100 }, (_, i) => ({ jobName: 'nightly-etl', idempotencyKey: `big:${i}` }));
    await l.launch(batchOf(...requests));
    expect(l.glue.callsOf('GetJobRuns')).toEqual([{ jobName: 'nightly-etl', count: 200 }]);
  });
});

describe('keyed launches', () => {
  it('the run carries the key, and the lookup is in flight together with GetJob', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_old', { [IDEMPOTENCY_ARGUMENT]: 'another-event' });
    const job = gate();
    l.glue.holdNext('GetJob', job.promise);
    const pending = l.launch(keyed());
    await new Promise((resolve) => setImmediate(resolve));
    expect(l.glue.callsOf('GetJobRuns')).toEqual([{ jobName: 'nightly-etl', count: 25 }]); // before GetJob answered
    job.open();
    expect(await pending).toEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_nightly-etl_1',
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(l.glue.starts[0]?.arguments[IDEMPOTENCY_ARGUMENT]).toBe(KEY);
  });

  it('a redelivery finds the run and starts nothing, without even asking for a token', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_first', {
      [IDEMPOTENCY_ARGUMENT]: KEY,
      [TOKEN_EXPIRY_ARGUMENT]: '2026-11-22T03:00:00.000Z',
    });
    l.glue.addRun('nightly-etl', 'jr_new', { [IDEMPOTENCY_ARGUMENT]: 'x' });
    expect(await l.launch(keyed())).toEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_first',
      tokenExpiresAt: '2026-11-22T03:00:00.000Z',
      reused: true,
    });
    expect(l.glue.starts).toEqual([]);
    expect(l.repository.durations).toEqual([]);
    expect(l.logger.records).toContainEqual({
      level: 'info',
      message: 'Job run already started by an earlier delivery',
      attributes: { jobName: 'nightly-etl', jobRunId: 'jr_first', idempotencyKey: KEY },
    });
  });

  it('a reused run that recorded no expiry is returned without one', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_first', { [IDEMPOTENCY_ARGUMENT]: KEY });
    expect(await l.launch(keyed())).toEqual({ jobName: 'nightly-etl', jobRunId: 'jr_first', reused: true });
  });

  it('a request without a key does not look for earlier runs, and its run carries no key', async () => {
    const l = testLauncher();
    await l.launch(single({ jobName: 'hourly-etl' }));
    expect(l.glue.callsOf('GetJobRuns')).toEqual([]);
    expect(l.glue.starts[0]?.arguments).not.toHaveProperty(IDEMPOTENCY_ARGUMENT);
  });

  it('a redelivered batch starts only the jobs that did not start the first time', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_n0', {
      [IDEMPOTENCY_ARGUMENT]: 'b:0',
      [TOKEN_EXPIRY_ARGUMENT]: EXPIRES.toISOString(),
    });
    l.glue.addRun('nightly-etl', 'jr_n2', { [IDEMPOTENCY_ARGUMENT]: 'b:2' });
    const batch = batchOf(
      { jobName: 'nightly-etl', idempotencyKey: 'b:0' },
      { jobName: 'hourly-etl', idempotencyKey: 'b:1' },
      { jobName: 'nightly-etl', idempotencyKey: 'b:2' },
    );
    expect(await l.launch(batch)).toEqual({
      runs: [
        { jobName: 'nightly-etl', jobRunId: 'jr_n0', reused: true },
        { jobName: 'hourly-etl', jobRunId: 'jr_hourly-etl_1' },
        { jobName: 'nightly-etl', jobRunId: 'jr_n2', reused: true },
      ],
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(l.glue.starts.map((s) => s.jobName)).toEqual(['hourly-etl']);
    // One GetJobRuns per job name, not per request.
    expect(l.glue.callsOf('GetJobRuns')).toHaveLength(2);
  });

  it('a GetJobRuns failure starts nothing: an earlier start could not be ruled out', async () => {
    const l = testLauncher();
    l.glue.failNext('GetJobRuns', failure('GetJobRuns', 'denied', 'AccessDeniedException: no glue:GetJobRuns'));
    const error = await rejectionOf(l.launch(keyed()));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toBe(
      'Job nightly-etl was not started: GetJobRuns failed with AccessDeniedException: no glue:GetJobRuns, so an earlier start of this launch could not be ruled out.',
    );
    expect(l.glue.starts).toEqual([]);
  });
});

describe('starts whose answer is lost', () => {
  it('a keyed start that timed out finds its own run instead of starting another', async () => {
    const l = testLauncher();
    const start = l.glue.startJobRun.bind(l.glue);
    l.deps.jobs.startJobRun = async (run) => {
      await start(run); // the run lands...
      throw failure('StartJobRun', 'no-answer', 'TimeoutError: request timed out'); // ...and the answer is lost
    };
    const result = await l.launch(keyed());
    expect(result).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(result).not.toHaveProperty('reused');
    expect(l.glue.starts).toHaveLength(1);
    expect(l.glue.callsOf('GetJobRuns')).toEqual([
      { jobName: 'nightly-etl', count: 25 },
      { jobName: 'nightly-etl', count: 200 },
    ]);
  });

  it('a keyed start that got a server error, and did not land, is tried again', async () => {
    const l = testLauncher();
    l.glue.failNext(
      'StartJobRun',
      failure('StartJobRun', 'server-error', 'InternalServiceException: Internal failure'),
    );
    expect(await l.launch(keyed())).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.glue.callsOf('StartJobRun')).toHaveLength(2);
    expect(l.glue.callsOf('GetJobRuns')).toHaveLength(2);
  });

  it('an unkeyed start that got a server error is not tried again: it may have started', async () => {
    const l = testLauncher();
    l.glue.failNext(
      'StartJobRun',
      failure('StartJobRun', 'server-error', 'InternalServiceException: Internal failure'),
    );
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toBe(
      'Job nightly-etl may or may not have started: StartJobRun failed with InternalServiceException: Internal failure, and without an idempotency key the launcher cannot tell, so it did not try again.',
    );
    expect(l.glue.callsOf('StartJobRun')).toHaveLength(1);
  });

  it('a throttled start is tried again without looking: it was refused', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'throttled', 'ThrottlingException: Rate exceeded'));
    expect(await l.launch(single({ jobName: 'hourly-etl' }))).toMatchObject({ jobRunId: 'jr_hourly-etl_1' });
    expect(l.glue.callsOf('StartJobRun')).toHaveLength(2);
    expect(l.glue.callsOf('GetJobRuns')).toEqual([]);
  });

  it('gives up after four attempts with the service’s error', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'throttled', 'ThrottlingException: Rate exceeded'), 10);
    const error = await rejectionOf(l.launch(single({ jobName: 'hourly-etl' })));
    expect(error.message).toBe(
      'Job hourly-etl was not started: StartJobRun failed with ThrottlingException: Rate exceeded.',
    );
    expect(l.glue.callsOf('StartJobRun')).toHaveLength(MAX_START_ATTEMPTS);
    expect(MAX_START_ATTEMPTS).toBe(4);
  });

  it('a failed look for the lost run is named as such', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'no-answer', 'TimeoutError: timed out'));
    l.glue.failNext(
      'GetJobRuns',
      failure('GetJobRuns', 'throttled', 'ThrottlingException: Rate exceeded'),
      1,
      (input) => input.count === 200,
    );
    const error = await rejectionOf(l.launch(keyed()));
    expect(error.message).toMatch(/GetJobRuns failed with ThrottlingException: Rate exceeded, so an earlier start/);
  });
});

describe('the function’s remaining time', () => {
  it('a batch starts no job with less than the margin left, and says a redelivery will', async () => {
    const l = testLauncher();
    const error = await rejectionOf(
      l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }), START_MARGIN_MS - 1),
    );
    expect(error.name).toBe('OutOfTime');
    expect(error.message).toMatch(
      /^2 of 2 jobs were not started: nightly-etl \(OutOfTime: Job nightly-etl was not started: only \d+ ms of the function's time were left; a redelivery of the event will start it\)/,
    );
    expect(l.glue.starts).toEqual([]);
  });

  it('with time enough, the batch starts', async () => {
    const l = testLauncher();
    const result = await l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }), START_MARGIN_MS + 1);
    expect('runs' in result && result.runs).toHaveLength(2);
  });
});
