import {
  DELIVERY_ARGUMENT,
  DIGEST_ARGUMENT,
  firstPageSize,
  IDEMPOTENCY_ARGUMENT,
  judgeEarlier,
  launchArguments,
  lookupHorizon,
  type RecentRun,
  requestDigest,
  TOKEN_EXPIRY_ARGUMENT,
} from '../../src/idempotency/record';
import { FINISH_MARGIN_MS } from '../../src/launch/deadline';
import { START_MARGIN_MS } from '../../src/launch/launch';
import { MAX_START_ATTEMPTS } from '../../src/launch/start';
import type { FailureKind } from '../../src/ports';
import { batchOf, EXPIRES, failure, gate, rejectionOf, single, testLauncher } from '../helpers/fakes';

const KEY = '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa';
const keyed = (jobName = 'nightly-etl', key = KEY) => single({ jobName, idempotencyKey: key });

const run = (id: string, args: Record<string, string>, startedOn = new Date()): RecentRun => ({
  id,
  startedOn,
  arguments: args,
});

describe('the idempotency record', () => {
  const request = { jobName: 'nightly-etl', arguments: { '--day': '1' }, timeout: 30 };

  it('a request digest depends on what is asked, not on key order, the key or unset settings', () => {
    const digest = requestDigest(request);
    expect(digest).toMatch(/^[0-9a-f]{16}$/);
    expect(
      requestDigest({ timeout: 30, arguments: { '--day': '1' }, jobName: 'nightly-etl', idempotencyKey: 'k' }),
    ).toBe(digest);
    expect(requestDigest({ ...request, workerType: undefined })).toBe(digest);
    expect(requestDigest({ ...request, arguments: { '--day': '2' } })).not.toBe(digest);
    expect(requestDigest({ ...request, timeout: 31 })).not.toBe(digest);
    expect(requestDigest({ ...request, jobName: 'hourly-etl' })).not.toBe(digest);
  });

  it('an earlier run of the same request is reused; of another request, a conflict', () => {
    const digest = requestDigest(request);
    const expiry = '2026-11-22T00:00:00.000Z';
    expect(judgeEarlier(run('jr_1', { [DIGEST_ARGUMENT]: digest, [TOKEN_EXPIRY_ARGUMENT]: expiry }), digest)).toEqual({
      verdict: 'reused',
      jobRunId: 'jr_1',
      tokenExpiresAt: expiry,
    });
    expect(judgeEarlier(run('jr_1', { [DIGEST_ARGUMENT]: 'f'.repeat(16) }), digest)).toEqual({
      verdict: 'conflict',
      jobRunId: 'jr_1',
    });
    // Runs started before digests were recorded cannot be told apart: reused, as before.
    expect(judgeEarlier(run('jr_0', {}), digest)).toMatchObject({ verdict: 'reused', jobRunId: 'jr_0' });
  });

  it('puts the key (when there is one), the digest, the token’s expiry and its delivery on the run', () => {
    expect(launchArguments('k:a', 'abc', EXPIRES, 'arguments')).toEqual({
      [IDEMPOTENCY_ARGUMENT]: 'k:a',
      [DIGEST_ARGUMENT]: 'abc',
      [TOKEN_EXPIRY_ARGUMENT]: EXPIRES.toISOString(),
      [DELIVERY_ARGUMENT]: 'arguments',
    });
    expect(launchArguments(undefined, 'abc', EXPIRES, 'requirements-file')).toEqual({
      [DIGEST_ARGUMENT]: 'abc',
      [TOKEN_EXPIRY_ARGUMENT]: EXPIRES.toISOString(),
      [DELIVERY_ARGUMENT]: 'requirements-file',
    });
  });
});

describe('how far back a launch looks', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');

  it('to five minutes before the event’s own time, else to 24 hours ago', () => {
    expect(lookupHorizon(new Date('2026-11-22T02:00:00Z'), now)).toEqual(new Date('2026-11-22T01:55:00Z'));
    expect(lookupHorizon(undefined, now)).toEqual(new Date('2026-11-21T12:00:00Z'));
  });

  it('a first page of 25 for a few launches, two per launch beyond, 200 at most', () => {
    expect([firstPageSize(1), firstPageSize(30), firstPageSize(100), firstPageSize(150)]).toEqual([25, 60, 200, 200]);
  });

  it('pages back past other runs to the horizon: a redelivery after 300 other runs still finds its run', async () => {
    const l = testLauncher();
    const event = new Date(Date.now() - 60 * 60 * 1000);
    l.glue.addRun('nightly-etl', 'jr_first', { [IDEMPOTENCY_ARGUMENT]: KEY }, event);
    for (let i = 0; i < 300; i += 1) l.glue.addRun('nightly-etl', `jr_other_${i}`, {});
    const result = await l.launch({ ...keyed(), eventTime: event });
    expect(result).toMatchObject({ jobRunId: 'jr_first', reused: true });
    expect(l.glue.callsOf('GetJobRuns')).toEqual([
      { jobName: 'nightly-etl', pageSize: 25 },
      { jobName: 'nightly-etl', pageSize: 200, nextToken: '25' },
      { jobName: 'nightly-etl', pageSize: 200, nextToken: '225' },
    ]);
    expect(l.glue.starts).toEqual([]);
  });

  it('stops at the horizon: runs started before it are not read, and the launch starts', async () => {
    const l = testLauncher();
    const eventTime = new Date(Date.now() - 60 * 1000);
    const beforeHorizon = new Date(eventTime.getTime() - 6 * 60_000);
    // A job with a long history: without the stop, the lookup would page through all of it.
    for (let i = 0; i < 500; i += 1) l.glue.addRun('nightly-etl', `jr_history_${i}`, {}, beforeHorizon);
    l.glue.addRun('nightly-etl', 'jr_old', { [IDEMPOTENCY_ARGUMENT]: KEY }, beforeHorizon);
    for (let i = 0; i < 30; i += 1) l.glue.addRun('nightly-etl', `jr_other_${i}`, {});
    expect(await l.launch({ ...keyed(), eventTime })).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.glue.callsOf('GetJobRuns')).toHaveLength(2); // 25, then the page that reaches past the horizon
  });

  it('fails closed after 1,000 runs without reaching the horizon or the key, and starts nothing', async () => {
    const l = testLauncher();
    for (let i = 0; i < 1100; i += 1) l.glue.addRun('nightly-etl', `jr_other_${i}`, {});
    const error = await rejectionOf(l.launch(keyed()));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toMatch(
      /^Job nightly-etl was not started: its 1000 most recent runs all started after .* and none carries this launch's key, so an earlier start could not be ruled out without reading further\.$/,
    );
    expect(l.glue.callsOf('GetJobRuns').map((c) => (c as { pageSize: number }).pageSize)).toEqual([
      25, 200, 200, 200, 200, 175,
    ]);
    expect(l.glue.starts).toEqual([]);
  });

  it('a batch of 100 launches of one job asks for a first page that holds every one of them', async () => {
    const l = testLauncher();
    const requests = Array.from({ length: 100 }, (_, i) => ({ jobName: 'nightly-etl', idempotencyKey: `big:${i}` }));
    await l.launch(batchOf(...requests));
    expect(l.glue.callsOf('GetJobRuns')).toEqual([{ jobName: 'nightly-etl', pageSize: 200 }]);
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
    expect(l.glue.callsOf('GetJobRuns')).toEqual([{ jobName: 'nightly-etl', pageSize: 25 }]); // before GetJob answered
    job.open();
    expect(await pending).toEqual({
      jobName: 'nightly-etl',
      jobRunId: 'jr_nightly-etl_1',
      tokenDelivery: 'arguments',
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
        { jobName: 'hourly-etl', jobRunId: 'jr_hourly-etl_1', tokenDelivery: 'arguments' },
        { jobName: 'nightly-etl', jobRunId: 'jr_n2', reused: true },
      ],
      tokenExpiresAt: EXPIRES.toISOString(),
    });
    expect(l.glue.starts.map((s) => s.jobName)).toEqual(['hourly-etl']);
    // What the metrics record: one run started, the two earlier ones reused.
    expect([l.metrics.counts.started, l.metrics.counts.reused]).toEqual([1, 2]);
    // One GetJobRuns per job name, not per request.
    expect(l.glue.callsOf('GetJobRuns')).toHaveLength(2);
  });

  it('the same key for another request is IdempotencyConflict, and starts nothing', async () => {
    const l = testLauncher();
    const first = single({ jobName: 'nightly-etl', idempotencyKey: KEY, arguments: { '--day': '1' } });
    await l.launch(first);
    const error = await rejectionOf(
      l.launch(single({ jobName: 'nightly-etl', idempotencyKey: KEY, arguments: { '--day': '2' } })),
    );
    expect(error.name).toBe('IdempotencyConflict');
    expect(error.message).toBe(
      `Job nightly-etl was not started: idempotency key ${KEY} already started run jr_nightly-etl_1 for a different request (other arguments or run settings); use a new key for a new request.`,
    );
    expect(l.glue.starts).toHaveLength(1);
    // The same request again is the redelivery it looks like.
    expect(await l.launch(first)).toMatchObject({ jobRunId: 'jr_nightly-etl_1', reused: true });
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
      { jobName: 'nightly-etl', pageSize: 25 },
      { jobName: 'nightly-etl', pageSize: 25 },
    ]);
  });

  it('a start whose success answer could not be read is ambiguous too: it finds its own run', async () => {
    const l = testLauncher();
    const start = l.glue.startJobRun.bind(l.glue);
    l.deps.jobs.startJobRun = async (run) => {
      await start(run);
      throw failure('StartJobRun', 'unreadable', 'SyntaxError: Unexpected end of JSON input');
    };
    expect(await l.launch(keyed())).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.glue.starts).toHaveLength(1);
    const unkeyed = await rejectionOf(testLauncherFailingWith('unreadable').launch(single({ jobName: 'nightly-etl' })));
    expect(unkeyed.message).toMatch(/^Job nightly-etl may or may not have started: StartJobRun failed with /);
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
      (() => {
        let seen = 0;
        return () => ++seen === 2; // the second look: the one after the lost answer
      })(),
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

/** A container whose every StartJobRun fails with this kind of failure. */
const testLauncherFailingWith = (kind: FailureKind) => {
  const l = testLauncher();
  l.glue.failNext('StartJobRun', failure('StartJobRun', kind, `${kind} from StartJobRun`), 10);
  return l;
};

describe('the function’s own timeout', () => {
  it('a start cut off by it is OutOfTime, saying the run may have started (with a key, a redelivery finds it)', async () => {
    const l = testLauncher();
    l.glue.holdNext('StartJobRun', new Promise(() => undefined));
    const error = await rejectionOf(l.launch(keyed(), FINISH_MARGIN_MS + 50));
    expect(error.name).toBe('OutOfTime');
    expect(error.message).toBe(
      "The function's time ran out before the launch ended: job nightly-etl may have started (its StartJobRun was in flight; a redelivery with the same key finds the run instead of starting another).",
    );
  });

  it('cut off before any start, it says nothing was started', async () => {
    const l = testLauncher();
    l.glue.holdNext('GetJob', new Promise(() => undefined));
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' }), FINISH_MARGIN_MS + 50));
    expect(error.message).toBe(
      "The function's time ran out before the launch ended: job nightly-etl was not started (a redelivery will start it).",
    );
  });

  it('once the time is up, a launch thawed later sends no start', async () => {
    const l = testLauncher();
    const job = gate();
    l.glue.holdNext('GetJob', job.promise);
    await rejectionOf(l.launch(single({ jobName: 'nightly-etl' }), FINISH_MARGIN_MS + 50));
    job.open(); // the container thaws for the next event, and the old launch goes on
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(l.glue.callsOf('StartJobRun')).toEqual([]);
  });
});
