import { StandIn } from '../../local/standin/server';
import { scheduledEvent, teamJob } from '../../local/tools/fixtures';
import { invokeAgainst } from '../helpers/stand-in';

// Never twice, never silent: faults injected into the stand-in, the built bundle driving the real SDK into them,
// and redeliveries of the same event, as EventBridge and Lambda's asynchronous invocation make them.
jest.setTimeout(90_000);

let standIn: StandIn;
const JOBS = Array.from({ length: 100 }, (_, i) => `b-${String(i).padStart(3, '0')}`);
const ENV = { GLUE_JOB_NAME: 'nightly-etl', ALLOWED_JOB_NAMES: '*' };

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'check' });
  for (const name of ['nightly-etl', ...JOBS])
    standIn.createJob(teamJob(name, { ExecutionProperty: { MaxConcurrentRuns: 20 } }));
});
afterAll(() => standIn?.stop());
afterEach(() => standIn.faults.clear());

/** Runs of a job that carry this key: 1 is right, 0 is a silent miss, 2 is a double start. */
const runsWithKey = (jobName: string, key: string) =>
  standIn.runs(jobName).filter((run) => run.Arguments['--launch-idempotency-key'] === key).length;
/** Runs keyed by a batch's key (derived per request: the batch's key, a space, a hash). */
const runsOfBatch = (jobName: string, batchKey: string) =>
  standIn.runs(jobName).filter((run) => run.Arguments['--launch-idempotency-key']?.startsWith(`${batchKey} `)).length;
const okStarts = (operation = 'StartJobRun') => standIn.callsOf(operation).filter((c) => c.status === 200);

describe('faults', () => {
  it('throttling bursts on StartJobRun and GetAuthorizationToken are retried, and every job starts once', async () => {
    standIn.failNext('GetAuthorizationToken', 2, 'throttle');
    standIn.failNext('StartJobRun', 6, 'throttle');
    const jobs = JOBS.slice(0, 10).map((jobName) => ({ jobName }));
    const { result, error } = await invokeAgainst(standIn, { idempotencyKey: 'throttled', jobs }, ENV);
    expect(error).toBeUndefined();
    expect((result as { runs: Array<{ jobRunId?: string }> }).runs.every((run) => run.jobRunId)).toBe(true);
    for (const { jobName } of jobs) expect(runsOfBatch(jobName, 'throttled')).toBe(1);
    expect(standIn.callsOf('GetAuthorizationToken').filter((c) => c.fault === 'throttle')).toHaveLength(2);
  });

  it('5xx from Glue: GetJob is retried, and a keyed StartJobRun checks before it tries again', async () => {
    standIn.failNext('GetJob', 2, 'internal');
    standIn.failNext('StartJobRun', 1, 'internal');
    const { result } = await invokeAgainst(standIn, scheduledEvent('five-hundred'), ENV);
    expect(result).toMatchObject({ jobName: 'nightly-etl', jobRunId: expect.stringMatching(/^jr_/) });
    expect(runsWithKey('nightly-etl', 'five-hundred')).toBe(1);
  });

  // Two answers lost after the run took effect, each waited out for its effect window: run at once, each fault
  // matched to its own launch's key.
  it('a StartJobRun answer slower than the request timeout, or lost: each launch finds its run, a redelivery reuses it', async () => {
    const byKey = (key: string) => (input: Record<string, unknown>) =>
      (input.Arguments as Record<string, string> | undefined)?.['--launch-idempotency-key'] === key;
    standIn.slowNext('StartJobRun', 4_000, 1, byKey('slow-start'));
    standIn.dropNext('StartJobRun', 1, byKey('lost-answer'));
    await Promise.all(
      ['slow-start', 'lost-answer'].map(async (key) => {
        const first = await invokeAgainst(standIn, scheduledEvent(key), ENV);
        expect(first.result).toMatchObject({ jobRunId: expect.stringMatching(/^jr_/) });
        const again = await invokeAgainst(standIn, scheduledEvent(key), ENV);
        expect(again.result).toEqual({ ...(first.result as object), reused: true });
        expect(runsWithKey('nightly-etl', key)).toBe(1);
      }),
    );
  });

  it('GetJob slower than the request timeout on every attempt is a named error, and starts nothing', async () => {
    standIn.hangNext('GetJob', 3);
    const starts = okStarts().length;
    const { error } = await invokeAgainst(standIn, scheduledEvent('slow-get-job'), ENV);
    expect(error?.name).toBe('StartJobRunFailed');
    expect(error?.message).toMatch(/^Job nightly-etl was not started: GetJob failed with TimeoutError/);
    expect(okStarts()).toHaveLength(starts);
    const redelivered = await invokeAgainst(standIn, scheduledEvent('slow-get-job'), ENV);
    expect(redelivered.result).toMatchObject({ jobName: 'nightly-etl' });
    expect(runsWithKey('nightly-etl', 'slow-get-job')).toBe(1);
  });

  it('CodeArtifact access denied is TokenUnavailable, and nothing starts', async () => {
    standIn.failNext('GetAuthorizationToken', 1, 'accessDenied');
    const starts = okStarts().length;
    const { error } = await invokeAgainst(standIn, scheduledEvent('denied'), ENV);
    expect(error?.name).toBe('TokenUnavailable');
    expect(okStarts()).toHaveLength(starts);
    expect(runsWithKey('nightly-etl', 'denied')).toBe(0);
  });

  it('a batch of 100 where 10 fail, redelivered: exactly those 10 start the second time', async () => {
    const failing = new Set(JOBS.filter((_, i) => i % 10 === 7));
    for (const name of failing) standIn.failNext('StartJobRun', 1, 'accessDenied', (input) => input.JobName === name);
    const event = {
      idempotencyKey: 'backfill',
      jobs: JOBS.map((jobName) => ({ jobName, arguments: { '--day': jobName } })),
    };

    const first = await invokeAgainst(standIn, event, ENV);
    expect(first.error?.name).toBe('StartJobRunFailed');
    // Its first words only: a failed match must not print a hundred jobs' sentences.
    expect(first.error?.message.slice(0, 60)).toMatch(/^10 of 100 jobs were not started: b-007 \(StartJobRunFailed: /);
    expect(JOBS.map((name) => runsOfBatch(name, 'backfill'))).toEqual(JOBS.map((name) => (failing.has(name) ? 0 : 1)));

    const startsBefore = okStarts().length;
    const second = await invokeAgainst(standIn, event, ENV);
    expect(second.error).toBeUndefined();
    const runs = (second.result as { runs: Array<{ jobName: string; reused?: true }> }).runs;
    expect(runs.filter((run) => !run.reused).map((run) => run.jobName)).toEqual([...failing]);
    expect(
      okStarts()
        .slice(startsBefore)
        .map((call) => call.input.JobName)
        .sort(),
    ).toEqual([...failing].sort());
    expect(JOBS.map((name) => runsOfBatch(name, 'backfill'))).toEqual(JOBS.map(() => 1));
  });

  it('a batch with too little time left starts nothing and says OutOfTime; the redelivery starts all', async () => {
    const event = { idempotencyKey: 'late', jobs: JOBS.slice(0, 3).map((jobName) => ({ jobName })) };
    const late = await invokeAgainst(standIn, event, ENV, { timeoutMs: 10_000 });
    expect(late.error?.name).toBe('OutOfTime');
    const onTime = await invokeAgainst(standIn, event, ENV);
    expect((onTime.result as { runs: unknown[] }).runs).toHaveLength(3);
    expect(JOBS.slice(0, 3).map((name) => runsOfBatch(name, 'late'))).toEqual([1, 1, 1]);
  });
});
