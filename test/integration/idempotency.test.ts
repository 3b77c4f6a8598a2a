import { StandIn } from '../../local/standin/server';
import { BundleSession } from '../../local/tools/bundle';
import { scheduledEvent, teamJob } from '../../local/tools/fixtures';
import { invokeAgainst, invokeSession } from '../helpers/stand-in';

// Never twice, through the built bundle against the stand-in: the holes an adversarial pass found in the first
// version's idempotency, each replayed as EventBridge, Step Functions or a caller would replay it.
jest.setTimeout(60_000);

let standIn: StandIn;
const JOBS = ['nightly-etl', 'hourly-etl', 'weekly-etl'];
const ENV = { GLUE_JOB_NAME: 'nightly-etl', ALLOWED_JOB_NAMES: JOBS.join(',') };

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'none' });
  for (const name of JOBS) standIn.createJob(teamJob(name, { ExecutionProperty: { MaxConcurrentRuns: 1000 } }));
});
afterAll(() => standIn?.stop());
afterEach(() => standIn.faults.clear());

const KEY = '--launch-idempotency-key';
const runsWithKey = (jobName: string, key: string) => standIn.runs(jobName).filter((run) => run.Arguments[KEY] === key);
const runIds = (result: unknown) => (result as { runs: Array<{ jobName: string; jobRunId: string }> }).runs;

describe('a StartJobRun whose 200 answer is cut off', () => {
  it('a keyed launch finds the run it started, and returns it', async () => {
    standIn.cutNext('StartJobRun');
    const { result, error } = await invokeAgainst(standIn, scheduledEvent('cut-keyed'), ENV);
    expect(error).toBeUndefined();
    const [run] = runsWithKey('nightly-etl', 'cut-keyed');
    expect(runsWithKey('nightly-etl', 'cut-keyed')).toHaveLength(1);
    expect(result).toMatchObject({ jobName: 'nightly-etl', jobRunId: run?.Id });
    expect(standIn.callsOf('StartJobRun').filter((call) => call.fault === 'cut')).toHaveLength(1);
  });

  it('an unkeyed launch says the run may have started (it did), and does not start another', async () => {
    const before = standIn.runs('hourly-etl').length;
    standIn.cutNext('StartJobRun');
    const { error } = await invokeAgainst(standIn, { jobName: 'hourly-etl' }, ENV);
    expect(error?.name).toBe('StartJobRunFailed');
    expect(error?.message).toBe(
      'Job hourly-etl may have started: StartJobRun failed with a success answer that could not be read (aborted), and without an idempotency key the launcher cannot tell, so it did not try again.',
    );
    expect(standIn.runs('hourly-etl')).toHaveLength(before + 1);
  });
});

describe('a redelivery finds its run however far back it is', () => {
  it('after 40 other runs of the job since, the redelivery starts nothing', async () => {
    const event = scheduledEvent('behind-forty');
    const first = await invokeAgainst(standIn, event, ENV);
    for (let i = 0; i < 40; i += 1) standIn.glue.call('StartJobRun', { JobName: 'nightly-etl' });
    const again = await invokeAgainst(standIn, event, ENV);
    expect(again.result).toEqual({ ...(first.result as object), reused: true });
    expect(runsWithKey('nightly-etl', 'behind-forty')).toHaveLength(1);
    // It paged: a first page, then more, each one newest first.
    expect(standIn.callsOf('GetJobRuns').some((call) => call.input.NextToken !== undefined)).toBe(true);
  });
});

describe('batch keys do not depend on position', () => {
  it('redelivered in another order with a job added in front: only the new job starts', async () => {
    const key = 'reordered';
    const first = await invokeAgainst(
      standIn,
      { idempotencyKey: key, jobs: [{ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }] },
      ENV,
    );
    expect(first.error).toBeUndefined();
    const again = await invokeAgainst(
      standIn,
      { idempotencyKey: key, jobs: [{ jobName: 'weekly-etl' }, { jobName: 'hourly-etl' }, { jobName: 'nightly-etl' }] },
      ENV,
    );
    expect(runIds(again.result).map((run) => [run.jobName, 'reused' in run])).toEqual([
      ['weekly-etl', false],
      ['hourly-etl', true],
      ['nightly-etl', true],
    ]);
    for (const job of JOBS) {
      expect(standIn.runs(job).filter((run) => run.Arguments[KEY]?.startsWith(`${key} `))).toHaveLength(1);
    }
  });
});

describe('one key, one request', () => {
  it('the same key with other arguments is IdempotencyConflict, and starts nothing', async () => {
    const request = { jobName: 'weekly-etl', idempotencyKey: 'exec-42', arguments: { '--run-date': '2026-11-21' } };
    expect((await invokeAgainst(standIn, request, ENV)).error).toBeUndefined();
    const changed = { ...request, arguments: { '--run-date': '2026-11-22' } };
    const { error } = await invokeAgainst(standIn, changed, ENV);
    expect(error?.name).toBe('IdempotencyConflict');
    expect(error?.message).toMatch(/^Job weekly-etl was not started: idempotency key exec-42 already started run jr_/);
    expect(runsWithKey('weekly-etl', 'exec-42')).toHaveLength(1);
    expect((await invokeAgainst(standIn, request, ENV)).result).toMatchObject({ reused: true });
  });
});

describe('every path ends in a named error', () => {
  it('the function’s own timeout during StartJobRun is OutOfTime, saying the run may have started; the redelivery finds it', async () => {
    standIn.slowNext('StartJobRun', 2_500);
    const event = scheduledEvent('cut-by-timeout');
    const late = await invokeAgainst(standIn, event, ENV, { timeoutMs: 2_000 });
    expect(late.error?.name).toBe('OutOfTime');
    expect(late.error?.message).toMatch(
      /^The function's time ran out before the launch ended: job nightly-etl may have started/,
    );
    const again = await invokeAgainst(standIn, event, ENV);
    expect(again.result).toMatchObject({ reused: true });
    expect(runsWithKey('nightly-etl', 'cut-by-timeout')).toHaveLength(1);
  });

  it('an endpoint that is not a URL is TokenUnavailable, and the same container recovers once it is one', async () => {
    const session = new BundleSession({ ...standIn.env(), ...ENV });
    try {
      standIn.replyNext('GetRepositoryEndpoint', () => ({ repositoryEndpoint: 'not a url' }));
      const bad = await invokeSession(standIn, session, {});
      expect(bad.error?.name).toBe('TokenUnavailable');
      expect(bad.error?.message).toMatch(/the endpoint "not a url" is not an http\(s\) URL/);
      const good = await invokeSession(standIn, session, {});
      expect(good.error).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('a token that has already expired is TokenUnavailable, and nothing starts', async () => {
    const before = standIn.runs('nightly-etl').length;
    standIn.replyNext('GetAuthorizationToken', (output) => ({
      ...(output as object),
      expiration: Math.floor(Date.now() / 1000) - 60,
    }));
    const { error } = await invokeAgainst(standIn, {}, ENV);
    expect(error?.name).toBe('TokenUnavailable');
    expect(error?.message).toMatch(/CodeArtifact gave a token that expires at .+, less than 14 minutes from now/);
    expect(standIn.runs('nightly-etl')).toHaveLength(before);
  });

  it('the shortest lifetime CodeArtifact gives (TOKEN_DURATION_SECONDS=900) is used, though it arrives a little shorter', async () => {
    // CodeArtifact's expiry is the request's time plus the duration, in whole seconds: under 15 minutes on arrival.
    const before = standIn.runs('nightly-etl').length;
    const { error, result } = await invokeAgainst(standIn, {}, { ...ENV, TOKEN_DURATION_SECONDS: '900' });
    expect([error, standIn.runs('nightly-etl').length]).toEqual([undefined, before + 1]);
    expect(result).toMatchObject({ jobName: 'nightly-etl' });
  });
});

describe('a StartJobRun that takes effect after the SDK gave up (3 s), and is looked for only once it cannot', () => {
  it('taking effect 3,400 or 8,000 ms after it was sent: one run per keyed launch (the two at once)', async () => {
    await Promise.all(
      [3_400, 8_000].map(async (lateMs) => {
        const key = `late-${lateMs}`;
        standIn.lateNext(
          'StartJobRun',
          lateMs,
          1,
          (input) => (input.Arguments as Record<string, string> | undefined)?.[KEY] === key,
        );
        const { result, error } = await invokeAgainst(standIn, scheduledEvent(key), ENV, { timeoutMs: 60_000 });
        expect(error).toBeUndefined();
        await new Promise((resolve) => setTimeout(resolve, 200));
        const runs = runsWithKey('nightly-etl', key);
        expect(runs).toHaveLength(1);
        expect(result).toMatchObject({ jobRunId: runs[0]?.Id });
      }),
    );
  });

  it('the unkeyed launch says the run may have started, and starts no other', async () => {
    const before = standIn.runs('hourly-etl').length;
    standIn.lateNext('StartJobRun', 3_400);
    const { error } = await invokeAgainst(standIn, { jobName: 'hourly-etl' }, ENV);
    expect(error?.name).toBe('StartJobRunFailed');
    expect(error?.message).toMatch(/^Job hourly-etl may have started: StartJobRun failed with TimeoutError/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(standIn.runs('hourly-etl')).toHaveLength(before + 1);
  });
});

describe('horizons and batches', () => {
  it('a request’s own key inside an EventBridge custom event is found ten minutes later, in another event', async () => {
    const event = (id: string, time: string) => ({
      ...scheduledEvent(id, time),
      'detail-type': 'Launch',
      source: 'team.etl',
      detail: { jobName: 'weekly-etl', idempotencyKey: 'own-key-10min' },
    });
    const first = await invokeAgainst(standIn, event('e-1', new Date().toISOString().replace(/\.\d+Z$/, 'Z')), ENV);
    const later = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const second = await invokeAgainst(standIn, event('e-2', later), ENV);
    expect(second.result).toEqual({ ...(first.result as object), reused: true });
    expect(runsWithKey('weekly-etl', 'own-key-10min')).toHaveLength(1);
  });

  it('a batch redelivered in another order, with one job twice under different arguments, starts only what did not start', async () => {
    const jobs = [
      { jobName: 'nightly-etl', arguments: { '--day': '1' } },
      { jobName: 'nightly-etl', arguments: { '--day': '2' } },
      { jobName: 'hourly-etl' },
    ];
    standIn.failNext('StartJobRun', 1, 'accessDenied', (input) => input.JobName === 'hourly-etl');
    const first = await invokeAgainst(standIn, { idempotencyKey: 'reorder-2', jobs }, ENV);
    expect(first.error?.name).toBe('StartJobRunFailed');
    const startsBefore = standIn.callsOf('StartJobRun').length;
    const second = await invokeAgainst(standIn, { idempotencyKey: 'reorder-2', jobs: [...jobs].reverse() }, ENV);
    expect(second.error).toBeUndefined();
    expect(standIn.callsOf('StartJobRun').length - startsBefore).toBe(1); // hourly-etl alone
    const reused = runIds(second.result).filter((run) => (run as { reused?: boolean }).reused);
    expect(reused.map((run) => run.jobName).sort()).toEqual(['nightly-etl', 'nightly-etl']);
  });
});
