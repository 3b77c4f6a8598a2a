import {
  CLOCK_SKEW_MS,
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
import { FINISH_MARGIN_MS, Progress, withinTime } from '../../src/launch/deadline';
import { START_MARGIN_MS } from '../../src/launch/launch';
import { lockHoldMs } from '../../src/launch/round-trip';
import { jitteredBackoff } from '../../src/launch/start';
import type { FailureKind } from '../../src/ports';
import {
  batchOf,
  EXPIRES,
  expiresAfter,
  FakeLock,
  failure,
  gate,
  rejectionOf,
  single,
  testLauncher,
} from '../helpers/fakes';

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

  it('a request digest is the one 0.2 and 0.3 recorded on their runs: a redelivery across an upgrade finds its run', () => {
    // sha256 of the JSON of [run settings, arguments], each with its keys in code-unit order, first 16 hex digits:
    // python3 -c 'import hashlib,json;print(hashlib.sha256(json.dumps([{"jobName":"nightly-etl","timeout":30,"workerType":"G.1X"},{"--a":"1","--b":"2","--day":"x"}],separators=(",",":")).encode()).hexdigest()[:16])'
    const digest = requestDigest({
      workerType: 'G.1X',
      jobName: 'nightly-etl',
      arguments: { '--day': 'x', '--b': '2', '--a': '1' },
      timeout: 30,
    });
    expect(digest).toBe('4b776809d0a164ed');
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

  it('for a key that is the event’s id: five minutes before the event’s own time; for any other key, 24 hours', () => {
    const event = { keySource: 'event' } as const;
    expect(lookupHorizon(event, new Date('2026-11-22T02:00:00Z'), now)).toEqual(new Date('2026-11-22T01:55:00Z'));
    expect(lookupHorizon(event, undefined, now)).toEqual(new Date('2026-11-21T12:00:00Z'));
    // A request's own key, or a batch's, inside an EventBridge envelope: the event's time bounds nothing.
    for (const keySource of ['request', 'batch', undefined] as const) {
      expect(lookupHorizon({ keySource }, new Date('2026-11-22T02:00:00Z'), now)).toEqual(
        new Date('2026-11-21T12:00:00Z'),
      );
    }
  });

  it('a time in the future is clamped to the launch’s own start: it cannot skip the lookup', () => {
    expect(lookupHorizon({ keySource: 'event' }, new Date('2027-01-01T00:00:00Z'), now)).toEqual(
      new Date('2026-11-22T11:55:00Z'),
    );
  });

  it('for a Scheduler occurrence’s key (template.yaml’s input): five minutes before its scheduled time', () => {
    const key = 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/nightly#2026-11-22T02:00:00Z';
    expect(lookupHorizon({ keySource: 'request', idempotencyKey: key }, undefined, now)).toEqual(
      new Date('2026-11-22T01:55:00Z'),
    );
    // A batch's keys begin with it; a time in the future is clamped; anything else is not the Scheduler's.
    expect(lookupHorizon({ keySource: 'batch', idempotencyKey: `${key} 0123abcd` }, undefined, now)).toEqual(
      new Date('2026-11-22T01:55:00Z'),
    );
    const later = key.replace('2026-11-22T02:00:00Z', '2027-01-01T00:00:00Z');
    expect(lookupHorizon({ keySource: 'request', idempotencyKey: later }, undefined, now)).toEqual(
      new Date('2026-11-22T11:55:00Z'),
    );
    // Every partition's Scheduler writes such keys.
    for (const partition of ['aws-cn', 'aws-us-gov']) {
      const elsewhere = key.replace('arn:aws:', `arn:${partition}:`);
      expect(lookupHorizon({ keySource: 'request', idempotencyKey: elsewhere }, undefined, now)).toEqual(
        new Date('2026-11-22T01:55:00Z'),
      );
    }
    for (const other of [
      `x${key}`,
      'nightly#2026-11-22T02:00:00Z',
      `${key}x`,
      key.replace(':scheduler:', ':states:'),
      key.replace('T02:00:00Z', 'T02:00:00.123Z'),
      'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/nightly#2026-13-45T99:00:00Z',
    ]) {
      expect([other, lookupHorizon({ keySource: 'request', idempotencyKey: other }, undefined, now)]).toEqual([
        other,
        new Date('2026-11-21T12:00:00Z'),
      ]);
    }
  });

  it('the clock-skew allowance at its edge: a run five minutes before the event’s time is found, one earlier is not', async () => {
    const eventTime = new Date(Date.now() - 60 * 60_000);
    const l = testLauncher();
    const edge = new Date(eventTime.getTime() - CLOCK_SKEW_MS);
    l.glue.addRun('nightly-etl', 'jr_before', { [IDEMPOTENCY_ARGUMENT]: 'k-before' }, new Date(edge.getTime() - 1_000));
    l.glue.addRun('nightly-etl', 'jr_edge', { [IDEMPOTENCY_ARGUMENT]: 'k-edge' }, edge);
    const launchOf = (key: string) => ({
      ...single({ jobName: 'nightly-etl', idempotencyKey: key, keySource: 'event' as const }),
      eventTime,
    });
    expect(await l.launch(launchOf('k-edge'))).toMatchObject({ jobRunId: 'jr_edge', reused: true });
    // Older than the horizon, it is not looked for: started anew.
    expect(await l.launch(launchOf('k-before'))).not.toMatchObject({ reused: true });
  });

  it('a warm launch of a schedule run every 5 minutes reads one page of its runs, not 24 hours of them', async () => {
    const l = testLauncher();
    const schedule = 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/every-5-minutes';
    const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const now = Math.floor(Date.now() / 300_000) * 300_000;
    for (let i = 288; i >= 1; i -= 1) {
      l.glue.addRun(
        'nightly-etl',
        `jr_${i}`,
        { [IDEMPOTENCY_ARGUMENT]: `${schedule}#${at(now - i * 300_000)}` },
        new Date(now - i * 300_000 + 2_000),
      );
    }
    await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: `${schedule}#${at(now)}`, keySource: 'request' }));
    expect(l.glue.callsOf('GetJobRuns')).toHaveLength(1);
    expect(l.glue.starts).toHaveLength(1);
  });

  it('stops paging as soon as every key it looks for is found: a busy job does not fail closed', async () => {
    const l = testLauncher();
    // 1,100 runs in 24 hours, the two keys among the newest: reading on would fail closed at 1,000.
    for (let i = 0; i < 1100; i += 1) l.glue.addRun('nightly-etl', `jr_other_${i}`, {});
    l.glue.addRun('nightly-etl', 'jr_a', { [IDEMPOTENCY_ARGUMENT]: 'key-a' });
    l.glue.addRun('nightly-etl', 'jr_b', { [IDEMPOTENCY_ARGUMENT]: 'key-b' });
    const result = await l.launch(
      batchOf({ jobName: 'nightly-etl', idempotencyKey: 'key-a' }, { jobName: 'nightly-etl', idempotencyKey: 'key-b' }),
    );
    expect(result).toMatchObject({
      runs: [
        { jobRunId: 'jr_a', reused: true },
        { jobRunId: 'jr_b', reused: true },
      ],
    });
    expect(l.glue.callsOf('GetJobRuns')).toHaveLength(1);
  });

  it('counts only the keys it looks for: another launch’s key on the first page does not end the look', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_ours', { [IDEMPOTENCY_ARGUMENT]: 'key-ours' }, new Date(Date.now() - 60_000));
    // A first page of newer runs: one with another launch's key, as many keys as this launch looks for.
    for (let i = 0; i < 30; i += 1) l.glue.addRun('nightly-etl', `jr_unkeyed_${i}`, {});
    l.glue.addRun('nightly-etl', 'jr_other', { [IDEMPOTENCY_ARGUMENT]: 'another-launch' });
    const result = await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: 'key-ours' }));
    expect(result).toMatchObject({ jobRunId: 'jr_ours', reused: true });
    expect([l.glue.callsOf('GetJobRuns').length, l.glue.starts]).toEqual([2, []]);
  });

  it('one job’s keys share the earliest horizon of them: a Scheduler key beside a 24-hour one', async () => {
    const now = Date.now();
    const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const scheduled = `arn:aws:scheduler:eu-west-1:111122223333:schedule/default/hourly#${at(now - 60_000)}`;
    for (const order of [
      [scheduled, 'own-key'],
      ['own-key', scheduled],
    ]) {
      const l = testLauncher();
      // The request's own key started two hours ago: far before the Scheduler key's horizon, inside its own.
      l.glue.addRun('nightly-etl', 'jr_own', { [IDEMPOTENCY_ARGUMENT]: 'own-key' }, new Date(now - 2 * 60 * 60_000));
      for (let i = 0; i < 30; i += 1) l.glue.addRun('nightly-etl', `jr_other_${i}`, {}, new Date(now - 30 * 60_000));
      const result = await l.launch(batchOf(...order.map((key) => ({ jobName: 'nightly-etl', idempotencyKey: key }))));
      const own = (result as { runs: ReadonlyArray<{ jobRunId?: string }> }).runs[order.indexOf('own-key')];
      expect([order, own]).toEqual([order, expect.objectContaining({ jobRunId: 'jr_own', reused: true })]);
      expect(l.glue.starts).toHaveLength(1);
    }
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

  it('finds the newest run with its own key past newer runs with other keys', async () => {
    const l = testLauncher();
    const hourAgo = Date.now() - 60 * 60_000;
    l.glue.addRun('nightly-etl', 'jr_older', { [IDEMPOTENCY_ARGUMENT]: KEY }, new Date(hourAgo - 60_000));
    l.glue.addRun('nightly-etl', 'jr_own', { [IDEMPOTENCY_ARGUMENT]: KEY }, new Date(hourAgo));
    for (let i = 0; i < 40; i += 1) {
      l.glue.addRun('nightly-etl', `jr_other_${i}`, { [IDEMPOTENCY_ARGUMENT]: `other-${i}` });
    }
    expect(await l.launch(keyed())).toMatchObject({ jobRunId: 'jr_own', reused: true });
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
    const eventKeyed = single({ jobName: 'nightly-etl', idempotencyKey: KEY, keySource: 'event' });
    expect(await l.launch({ ...eventKeyed, eventTime })).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.glue.callsOf('GetJobRuns')).toHaveLength(2); // 25, then the page that reaches past the horizon
  });

  it('fails closed after 1,000 runs without reaching the horizon or the key, and starts nothing', async () => {
    const l = testLauncher();
    for (let i = 0; i < 1100; i += 1) l.glue.addRun('nightly-etl', `jr_other_${i}`, {});
    const error = await rejectionOf(l.launch(keyed()));
    expect(error.name).toBe('StartJobRunFailed');
    expect(error.message).toMatch(
      /^Job nightly-etl was not started: 6 pages of its runs \(1000 runs\) were read without reaching .* or this launch's key, so an earlier start could not be ruled out without reading further\.$/,
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
      tokenExpiresAt: expiresAfter(60 * 60 + 900).toISOString(),
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
      message: 'Job run already started by an earlier invocation',
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
      tokenExpiresAt: expiresAfter(60 * 60 + 900).toISOString(),
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
    l.glue.loseNextStart(); // the run lands, and the answer is lost
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
    l.glue.loseNextStart({ kind: 'unreadable' });
    expect(await l.launch(keyed())).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.glue.starts).toHaveLength(1);
    const unkeyed = await rejectionOf(testLauncherFailingWith('unreadable').launch(single({ jobName: 'nightly-etl' })));
    expect(unkeyed.message).toMatch(/^Job nightly-etl may have started: StartJobRun failed with /);
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
      'Job nightly-etl may have started: StartJobRun failed with InternalServiceException: Internal failure, and without an idempotency key the launcher cannot tell, so it did not try again.',
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

  it('gives up after four attempts (docs/reliability.md) with the service’s error; a fourth that succeeds starts', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'throttled', 'ThrottlingException: Rate exceeded'), 10);
    const error = await rejectionOf(l.launch(single({ jobName: 'hourly-etl' })));
    expect(error.message).toBe(
      'Job hourly-etl was not started: StartJobRun failed with ThrottlingException: Rate exceeded.',
    );
    expect(l.glue.callsOf('StartJobRun')).toHaveLength(4);
    const patient = testLauncher();
    patient.glue.failNext('StartJobRun', failure('StartJobRun', 'throttled', 'ThrottlingException: Rate exceeded'), 3);
    expect(await patient.launch(single({ jobName: 'hourly-etl' }))).toMatchObject({ jobRunId: 'jr_hourly-etl_1' });
    expect(patient.glue.callsOf('StartJobRun')).toHaveLength(4);
  });

  it('a 5xx is looked for at once, without waiting out the effect window: Glue has answered', async () => {
    const l = testLauncher({ startEffectWindowMs: 60_000 });
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'));
    // 30 s left: too little to wait 60 s, enough to look and try again.
    expect(await l.launch(keyed(), 30_000)).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.glue.starts).toHaveLength(2);
  });

  it('looks for a lost run only with 1 s to answer and 5 s to look left, to the millisecond', async () => {
    const lookable = FINISH_MARGIN_MS + 5_000;
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'));
    expect(await l.launch(keyed(), lookable)).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.glue.starts).toHaveLength(2);
    const short = testLauncher();
    short.glue.failNext('StartJobRun', failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'));
    const error = await rejectionOf(short.launch(keyed(), lookable - 1));
    expect(error.message).toBe(
      "Job nightly-etl may have started: StartJobRun failed with InternalServiceException (HTTP 500), and the function's time ends before the launcher could tell; a redelivery with the same key finds the run if it started.",
    );
  });

  it('after a lost answer, every later failure is told by the first, the one after which a run may exist', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'no-answer', 'TimeoutError: timed out'));
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'));
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'throttled', 'ThrottlingException: Rate exceeded'), 2);
    const error = await rejectionOf(l.launch(keyed()));
    expect(error.message).toBe(
      'Job nightly-etl may have started: StartJobRun failed with TimeoutError: timed out; a redelivery with the same key finds the run if it started.',
    );
    const broken = testLauncher();
    broken.glue.failNext('StartJobRun', failure('StartJobRun', 'no-answer', 'TimeoutError: timed out'));
    broken.glue.failNext('StartJobRun', new TypeError('x is not a function'));
    expect((await rejectionOf(broken.launch(keyed()))).message).toBe(
      'Job nightly-etl may have started: StartJobRun failed with TimeoutError: timed out; a redelivery with the same key finds the run if it started.',
    );
  });

  it('a StartJobRun that finds no entity names what the request named, the job being there', async () => {
    const l = testLauncher();
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'not-found', 'EntityNotFoundException: no such thing'));
    expect((await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })))).message).toBe(
      'Job nightly-etl was not started: StartJobRun failed with EntityNotFoundException: no such thing; the job exists, so check what the request names (its securityConfiguration).',
    );
  });

  it('backs off with full jitter: up to 250 ms, doubling each attempt, at most 4 s', () => {
    const random = jest.spyOn(Math, 'random');
    try {
      random.mockReturnValue(0.5);
      expect([1, 2, 3, 4, 5, 6, 7].map(jitteredBackoff)).toEqual([125, 250, 500, 1000, 2000, 2000, 2000]);
      random.mockReturnValue(0);
      expect(jitteredBackoff(3)).toBe(0);
    } finally {
      random.mockRestore();
    }
  });

  it('a failed look for the lost run says the run may have started, never that it was not', async () => {
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
    expect([error.name, error.message]).toEqual([
      'StartJobRunFailed',
      'Job nightly-etl may have started: StartJobRun failed with TimeoutError: timed out, and the look for its run failed too (ThrottlingException: Rate exceeded); a redelivery with the same key finds the run if it started.',
    ]);
    expect(l.glue.starts).toHaveLength(1);
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

  it('says of each job whether it started (and its run), may have started (with a key or without), or was not sent', () => {
    const progress = new Progress();
    const plan = batchOf(
      { jobName: 'nightly-etl' },
      { jobName: 'hourly-etl' },
      { jobName: 'busy-job', idempotencyKey: 'busy:1' },
      { jobName: 'other-job' },
    );
    for (const jobName of ['nightly-etl', 'hourly-etl', 'busy-job']) progress.sending(jobName);
    progress.startedRun('nightly-etl', 'jr_1');
    const error = progress.stop(plan);
    expect([error.name, error.message, error.mayHaveStarted, progress.timeIsUp]).toEqual([
      'OutOfTime',
      "The function's time ran out before the launch ended: job nightly-etl started (jr_1); job hourly-etl may have started (its StartJobRun was in flight, and without an idempotency key a redelivery cannot tell); job busy-job may have started (its StartJobRun was in flight; a redelivery with the same key finds the run instead of starting another); job other-job was not started (a redelivery will start it).",
      true,
      true,
    ]);
    // Started or never sent: none may have started unseen.
    const settled = new Progress();
    settled.sending('nightly-etl');
    settled.startedRun('nightly-etl', 'jr_1');
    expect(settled.stop(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' })).mayHaveStarted).toBe(false);
  });

  it('a run started just before the time ran out is told with its id', async () => {
    const l = testLauncher({ lock: true });
    l.locks.holdNext('UpdateItem', new Promise(() => undefined)); // recording the run never ends
    const error = await rejectionOf(l.launch(keyed(), FINISH_MARGIN_MS + 100));
    expect(error.message).toBe(
      "The function's time ran out before the launch ended: job nightly-etl started (jr_nightly-etl_1).",
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

  it('answers OutOfTime exactly FINISH_MARGIN_MS before the function’s end, and leaves no timer once a launch ends', async () => {
    jest.useFakeTimers();
    try {
      const plan = single({ jobName: 'nightly-etl' });
      const time = { remainingMs: () => FINISH_MARGIN_MS + 1_000 };
      let outcome: Error | undefined;
      const invocation = { plan, time, progress: new Progress(), elapsedMs: () => 0 };
      withinTime(new Promise(() => undefined), invocation).catch((error: Error) => {
        outcome = error;
      });
      await jest.advanceTimersByTimeAsync(999);
      expect(outcome).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(outcome?.name).toBe('OutOfTime');
      // A launch that ends in time stops its deadline: nothing is left to stop its progress later.
      const quick = { plan, time, progress: new Progress(), elapsedMs: () => 0 };
      await expect(withinTime(Promise.resolve('done'), quick)).resolves.toBe('done');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
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

describe('never twice, for real', () => {
  /** A StartJobRun whose answer is lost and whose run lands `ms` later, as Glue may act on a request late. */
  const lateStart = (l: ReturnType<typeof testLauncher>, ms: number) => l.glue.loseNextStart({ landsAfterMs: ms });
  const withWindow = (ms: number) => testLauncher({ startEffectWindowMs: ms });

  it('a start that lands after the client gave up is found by a look made after it could land: one run', async () => {
    const l = withWindow(120);
    lateStart(l, 60);
    const result = await l.launch(keyed());
    await new Promise((resolve) => setTimeout(resolve, 100)); // long after the late one landed
    expect(l.glue.runsOf('nightly-etl')).toHaveLength(1);
    expect(result).toMatchObject({ jobRunId: l.glue.runsOf('nightly-etl')[0]?.id });
  });

  it('without the wait, the same start would run twice: the window is what prevents it', async () => {
    const l = withWindow(0);
    lateStart(l, 60);
    await l.launch(keyed());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(l.glue.runsOf('nightly-etl')).toHaveLength(2);
  });

  it('the look for a lost run allows Glue’s clock five minutes behind the launcher’s, and no more', async () => {
    for (const [behindMs, runs] of [
      [CLOCK_SKEW_MS - 1_000, 1],
      [CLOCK_SKEW_MS + 1_000, 2],
    ] as const) {
      const l = withWindow(0);
      // The start landed, its StartedOn read from a clock behind the launcher's; its answer was lost.
      l.glue.loseNextStart({ behindMs });
      await l.launch(keyed());
      expect([behindMs, l.glue.runsOf('nightly-etl').length]).toEqual([behindMs, runs]);
    }
  });

  it('with too little time left to wait, it says the run may have started, and starts nothing more', async () => {
    const l = withWindow(60_000);
    lateStart(l, 10);
    const error = await rejectionOf(l.launch(keyed(), 30_000));
    expect([error.name, error.message]).toEqual([
      'StartJobRunFailed',
      "Job nightly-etl may have started: StartJobRun failed with TimeoutError: request timed out, and the function's time ends before the launcher could tell; a redelivery with the same key finds the run if it started.",
    ]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(l.glue.runsOf('nightly-etl')).toHaveLength(1); // the late one, and no second
  });

  it('once a start may have reached Glue, every later failure says it may have started', async () => {
    const l = withWindow(0);
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'));
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'throttled', 'ThrottlingException: Rate exceeded'), 3);
    const error = await rejectionOf(l.launch(keyed()));
    expect(error.message).toMatch(
      /^Job nightly-etl may have started: StartJobRun failed with InternalServiceException \(HTTP 500\)/,
    );
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'));
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'busy', 'ConcurrentRunsExceededException: busy'));
    const busy = await rejectionOf(l.launch(keyed('hourly-etl')));
    expect(busy.message).toMatch(/^Job hourly-etl may have started: .*, then ConcurrentRunsExceededException: busy;/);
  });

  it('a batch whose failures include one that may have started says so', async () => {
    const l = withWindow(0);
    l.glue.failNext(
      'StartJobRun',
      failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'),
      1,
      (run) => run.jobName === 'hourly-etl',
    );
    const error = await rejectionOf(l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' })));
    expect(error.message).toMatch(
      /^1 of 2 jobs failed, and some may have started: hourly-etl \(StartJobRunFailed: Job hourly-etl may have started/,
    );
  });

  it('a lookup asks for 20 pages at most, empty pages included, then fails closed', async () => {
    const l = testLauncher();
    l.glue.pageWithoutEnd();
    const error = await rejectionOf(l.launch(keyed()));
    expect(error.message).toMatch(
      /^Job nightly-etl was not started: 20 pages of its runs \(0 runs\) were read without reaching/,
    );
    expect(l.glue.starts).toEqual([]);
  });

  it('a request’s own key inside an EventBridge envelope is looked for over 24 hours, not from the event’s time', async () => {
    const l = testLauncher();
    const now = Date.now();
    l.glue.addRun('nightly-etl', 'jr_earlier', { [IDEMPOTENCY_ARGUMENT]: KEY }, new Date(now - 10 * 60_000));
    const own = single({ jobName: 'nightly-etl', idempotencyKey: KEY, keySource: 'request' });
    expect(await l.launch({ ...own, eventTime: new Date(now) })).toMatchObject({
      jobRunId: 'jr_earlier',
      reused: true,
    });
    expect(l.glue.starts).toEqual([]);
  });

  it('an event whose time is in the future still finds the run its first delivery started', async () => {
    const l = testLauncher();
    l.glue.addRun('nightly-etl', 'jr_first', { [IDEMPOTENCY_ARGUMENT]: KEY }, new Date(Date.now() - 60_000));
    const event = single({ jobName: 'nightly-etl', idempotencyKey: KEY, keySource: 'event' });
    const future = new Date(Date.now() + 24 * 60 * 60_000);
    expect(await l.launch({ ...event, eventTime: future })).toMatchObject({ jobRunId: 'jr_first', reused: true });
  });
});

describe('the optional atomic lock (IDEMPOTENCY_TABLE)', () => {
  /** The lock's record of nightly-etl's key: records are per job and key. */
  const NIGHTLY = FakeLock.id({ jobName: 'nightly-etl', key: KEY });

  it('takes the key before the run list is read, starts once, and records the run for later invocations', async () => {
    const l = testLauncher({ lock: true });
    const first = await l.launch(keyed());
    expect(l.locks.calls.map((c) => c.operation)).toEqual(['PutItem', 'UpdateItem']);
    expect(l.locks.records.get(NIGHTLY)).toMatchObject({
      status: 'COMPLETED',
      run: { jobRunId: (first as { jobRunId: string }).jobRunId },
    });
    const again = await l.launch(keyed());
    expect(again).toEqual({ ...first, reused: true });
    expect(l.glue.starts).toHaveLength(1);
  });

  it('a run found in Glue’s run list completes the record with what the run recorded', async () => {
    const l = testLauncher({ lock: true });
    const digest = requestDigest({ jobName: 'nightly-etl', idempotencyKey: KEY });
    l.glue.addRun('nightly-etl', 'jr_first', {
      [IDEMPOTENCY_ARGUMENT]: KEY,
      [DIGEST_ARGUMENT]: digest,
      [TOKEN_EXPIRY_ARGUMENT]: '2026-11-22T04:00:00.000Z',
      [DELIVERY_ARGUMENT]: 'requirements-file',
    });
    await l.launch(keyed());
    expect(l.locks.records.get(NIGHTLY)).toEqual({
      digest,
      status: 'COMPLETED',
      until: Number.POSITIVE_INFINITY,
      run: { jobRunId: 'jr_first', tokenExpiresAt: '2026-11-22T04:00:00.000Z', tokenDelivery: 'requirements-file' },
    });
  });

  it('a completed record answers by itself, even while Glue’s run list does not show the run yet', async () => {
    const l = testLauncher({ lock: true });
    const digest = requestDigest({ jobName: 'nightly-etl', idempotencyKey: KEY });
    const run = { jobRunId: 'jr_recorded', tokenExpiresAt: EXPIRES.toISOString(), tokenDelivery: 'arguments' };
    l.locks.records.set(NIGHTLY, { digest, status: 'COMPLETED', until: Number.POSITIVE_INFINITY, run });
    expect(await l.launch(keyed())).toEqual({ jobName: 'nightly-etl', ...run, reused: true });
    expect(l.glue.starts).toEqual([]);
  });

  it('a record that cannot be written after the start is logged; the run stands, and Glue’s run list still has it', async () => {
    const l = testLauncher({ lock: true });
    l.locks.failNext('UpdateItem', failure('UpdateItem', 'server-error', 'InternalServerError (HTTP 500)'));
    expect(await l.launch(keyed())).toMatchObject({ jobRunId: 'jr_nightly-etl_1' });
    expect(l.logger.records.filter((r) => r.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'The launch lock could not record how the launch ended',
        attributes: { jobName: 'nightly-etl', idempotencyKey: KEY, error: 'InternalServerError (HTTP 500)' },
      },
    ]);
    l.locks.records.delete(NIGHTLY); // as if its hold ran out
    expect(await l.launch(keyed())).toMatchObject({ jobRunId: 'jr_nightly-etl_1', reused: true });
  });

  it('two deliveries in flight at once: one starts, the other is LaunchInProgress and starts nothing', async () => {
    const l = testLauncher({ lock: true });
    const job = gate();
    l.glue.holdNext('GetJob', job.promise);
    const first = l.launch(keyed());
    await new Promise((resolve) => setImmediate(resolve));
    const second = await rejectionOf(l.launch(keyed()));
    expect([second.name, second.message]).toEqual([
      'LaunchInProgress',
      `Job nightly-etl was not started: another invocation with idempotency key ${KEY} is launching it now; retry in a moment, and you will get its run.`,
    ]);
    job.open();
    await first;
    expect(l.glue.starts).toHaveLength(1);
  });

  it('the same key for another request is IdempotencyConflict, even before its run exists', async () => {
    const l = testLauncher({ lock: true });
    l.locks.records.set(NIGHTLY, { digest: 'other', status: 'INPROGRESS', until: Date.now() + 60_000 });
    const error = await rejectionOf(l.launch(keyed()));
    expect([error.name, error.message]).toEqual([
      'IdempotencyConflict',
      `Job nightly-etl was not started: idempotency key ${KEY} is already used for a different request (other arguments or run settings); use a new key for a new request.`,
    ]);
    expect(l.glue.starts).toEqual([]);
  });

  it('a hold that ran out (a crashed delivery) is taken over, and the run list still decides', async () => {
    const l = testLauncher({ lock: true });
    const digest = requestDigest({ jobName: 'nightly-etl', idempotencyKey: KEY });
    l.locks.records.set(NIGHTLY, { digest, status: 'INPROGRESS', until: Date.now() - 1 });
    l.glue.addRun('nightly-etl', 'jr_crashed', { [IDEMPOTENCY_ARGUMENT]: KEY });
    expect(await l.launch(keyed())).toMatchObject({ jobRunId: 'jr_crashed', reused: true });
    expect(l.locks.records.get(NIGHTLY)).toMatchObject({ status: 'COMPLETED', run: { jobRunId: 'jr_crashed' } });
    expect(l.glue.starts).toEqual([]);
  });

  it('a launch that certainly started nothing frees the key; one that may have started keeps it', async () => {
    const l = testLauncher({ lock: true });
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'refused', 'InvalidInputException (HTTP 400)'));
    await rejectionOf(l.launch(keyed()));
    expect(l.locks.records.has(NIGHTLY)).toBe(false);
    l.glue.failNext('StartJobRun', failure('StartJobRun', 'server-error', 'InternalServiceException (HTTP 500)'), 4);
    await rejectionOf(l.launch(keyed()));
    expect(l.locks.records.get(NIGHTLY)).toMatchObject({ status: 'INPROGRESS' });
  });

  it('a lock that cannot be taken starts nothing: an earlier start could not be ruled out', async () => {
    const l = testLauncher({ lock: true });
    l.locks.failNext('PutItem', failure('PutItem', 'throttled', 'ThrottlingException: Rate exceeded'));
    const error = await rejectionOf(l.launch(keyed()));
    expect([error.name, error.message]).toEqual([
      'StartJobRunFailed',
      'Job nightly-etl was not started: the launch lock (IDEMPOTENCY_TABLE) could not be taken (ThrottlingException: Rate exceeded), so an earlier start of this launch could not be ruled out.',
    ]);
    expect(l.glue.starts).toEqual([]);
  });

  it('an unkeyed launch takes no lock', async () => {
    const l = testLauncher({ lock: true });
    await l.launch(single({ jobName: 'nightly-etl' }));
    expect(l.locks.calls).toEqual([]);
  });

  it('one key on two jobs (a Step Functions execution id): both start; replayed, both reused, as without the lock', async () => {
    for (const lock of [true, false]) {
      const l = testLauncher({ lock });
      const a = await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: KEY }));
      const b = await l.launch(single({ jobName: 'hourly-etl', idempotencyKey: KEY }));
      expect([lock, l.glue.starts.map((start) => start.jobName)]).toEqual([lock, ['nightly-etl', 'hourly-etl']]);
      expect(await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: KEY }))).toEqual({ ...a, reused: true });
      expect(await l.launch(single({ jobName: 'hourly-etl', idempotencyKey: KEY }))).toEqual({ ...b, reused: true });
      expect(l.glue.starts).toHaveLength(2);
    }
  });

  it('holds its key until the last start it may send can no longer take effect: the deadline and the effect window', async () => {
    const l = testLauncher({ lock: true });
    await l.launch(keyed(), 8_000);
    const [taken] = l.locks.callsOf('PutItem') as Array<{ holdMs: number }>;
    // The function's time left, less what the launch took before taking the key, plus the start's effect window.
    expect(taken?.holdMs).toBeGreaterThan(8_000 - 1_000 + l.deps.startEffectWindowMs);
    expect(taken?.holdMs).toBeLessThanOrEqual(8_000 + l.deps.startEffectWindowMs);
    expect(lockHoldMs(8_000, 9_600)).toBe(17_600);
    expect(lockHoldMs(Number.POSITIVE_INFINITY, 9_600)).toBe(15 * 60 * 1000 + 9_600);
  });

  it('completes or frees only the records it took: never another delivery’s', async () => {
    for (const [status, digest] of [
      ['INPROGRESS', requestDigest({ jobName: 'nightly-etl', idempotencyKey: KEY })],
      ['INPROGRESS', 'other'],
    ] as const) {
      const l = testLauncher({ lock: true });
      const held = { digest, status, until: Date.now() + 60_000 } as const;
      l.locks.records.set(NIGHTLY, { ...held });
      await rejectionOf(l.launch(keyed()));
      expect(l.locks.calls.map((call) => call.operation)).toEqual(['PutItem']);
      expect(l.locks.records.get(NIGHTLY)).toEqual(held);
    }
  });
});
