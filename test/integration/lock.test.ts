import { StandIn } from '../../local/standin/server';
import { BundleSession } from '../../local/tools/bundle';
import { startDynamo } from '../../local/tools/dynamo';
import { launcherEnvironment, scheduledEvent, teamJob } from '../../local/tools/fixtures';
import { invokeAgainst, invokeSession } from '../helpers/stand-in';

// The optional atomic lock through the built bundle (which loads its DynamoDB bundle), against dynalite: a real
// DynamoDB protocol server in this process, and the stand-in's Glue. Two deliveries in flight at once start one run.
jest.setTimeout(60_000);

let standIn: StandIn;
let dynamo: Awaited<ReturnType<typeof startDynamo>>;
let env: Record<string, string>;
const KEY = '--launch-idempotency-key';

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'none' });
  dynamo = await startDynamo();
  standIn.createJob(teamJob('nightly-etl', { ExecutionProperty: { MaxConcurrentRuns: 100 } }));
  standIn.createJob(teamJob('hourly-etl', { ExecutionProperty: { MaxConcurrentRuns: 100 } }));
  env = {
    ...launcherEnvironment(standIn, ['nightly-etl', 'hourly-etl']),
    IDEMPOTENCY_TABLE: dynamo.table,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  };
});
afterAll(async () => {
  await standIn?.stop();
  await dynamo?.stop();
});
afterEach(() => standIn.faults.clear());

const runsWithKey = (key: string) => standIn.runs('nightly-etl').filter((run) => run.Arguments[KEY] === key);

describe('the optional atomic lock (IDEMPOTENCY_TABLE)', () => {
  it('two deliveries in flight at once, in two containers: exactly one start; the other is LaunchInProgress', async () => {
    const [a, b] = [new BundleSession(env), new BundleSession(env)];
    try {
      // Both containers warm, then the same event to both, with Glue slow enough for them to overlap.
      await Promise.all([invokeSession(standIn, a, {}), invokeSession(standIn, b, {})]);
      standIn.faults.setLatency('GetJobRuns', 300);
      const event = scheduledEvent('both-at-once');
      const outcomes = await Promise.all([invokeSession(standIn, a, event), invokeSession(standIn, b, event)]);
      expect(runsWithKey('both-at-once')).toHaveLength(1);
      const names = outcomes.map((o) => o.error?.name ?? (o.result as { reused?: boolean }).reused ?? 'started');
      expect(names.sort()).toEqual(['LaunchInProgress', 'started']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a replay returns the recorded run; a changed request under the same key is IdempotencyConflict', async () => {
    const first = await invokeAgainst(standIn, { idempotencyKey: 'replay-1' }, env);
    const again = await invokeAgainst(standIn, { idempotencyKey: 'replay-1' }, env);
    expect(again.result).toEqual({ ...(first.result as object), reused: true });
    const changed = await invokeAgainst(standIn, { idempotencyKey: 'replay-1', arguments: { '--day': '2' } }, env);
    expect(changed.error?.name).toBe('IdempotencyConflict');
    expect(runsWithKey('replay-1')).toHaveLength(1);
  });

  it('a stale in-progress record (a delivery that died) is taken over, and the run list decides', async () => {
    // What a delivery that crashed after taking the key leaves: in progress, its hold long past.
    const { DynamoLaunchLock } = await import('../../src/aws/lock');
    const lock = new DynamoLaunchLock(dynamo.table, dynamo.client);
    const { requestDigest } = await import('../../src/idempotency/record');
    const digest = requestDigest({ jobName: 'nightly-etl', idempotencyKey: 'crashed-1' });
    await lock.acquire({ jobName: 'nightly-etl', key: 'crashed-1' }, digest, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { result, error } = await invokeAgainst(standIn, { idempotencyKey: 'crashed-1' }, env);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ jobRunId: runsWithKey('crashed-1')[0]?.Id });
  });

  it('a table that refuses the lock starts nothing, saying why', async () => {
    const broken = { ...env, IDEMPOTENCY_TABLE: 'no-such-table' };
    const { error } = await invokeAgainst(standIn, { idempotencyKey: 'no-table-1' }, broken);
    expect(error?.name).toBe('StartJobRunFailed');
    expect(error?.message).toMatch(
      /^Job nightly-etl was not started: the launch lock \(IDEMPOTENCY_TABLE\) could not be taken \(ResourceNotFoundException/,
    );
    expect(runsWithKey('no-table-1')).toEqual([]);
  });

  it('one key on two jobs, as a Step Functions execution launches them: both start; replayed, both reused', async () => {
    const key = 'arn:aws:states:eu-west-1:111122223333:execution:nightly:two-jobs';
    const launched = [];
    for (const jobName of ['nightly-etl', 'hourly-etl']) {
      const { result, error } = await invokeAgainst(standIn, { jobName, idempotencyKey: key }, env);
      expect([jobName, error]).toEqual([jobName, undefined]);
      launched.push(result);
    }
    for (const [at, jobName] of ['nightly-etl', 'hourly-etl'].entries()) {
      const again = await invokeAgainst(standIn, { jobName, idempotencyKey: key }, env);
      expect(again.result).toEqual({ ...(launched[at] as object), reused: true });
      expect(standIn.runs(jobName).filter((run) => run.Arguments[KEY] === key)).toHaveLength(1);
    }
  });

  it('a start that takes effect after the function’s deadline: the key stays held over it, and the redelivery starts none', async () => {
    // A has 5 s; its StartJobRun takes effect 7 s after it arrived, after the SDK gave up (3 s) and after A's
    // deadline. Held only to the deadline (0.3), the record was taken over at 5.5 s by B, which looked, found
    // nothing yet, and started a second run. Held over the start's effect window, B is told to retry.
    const key = 'late-landing-1';
    standIn.lateNext('StartJobRun', 7_000, 1, (input) => (input.Arguments as Record<string, string>)?.[KEY] === key);
    const sent = Date.now();
    const first = await invokeAgainst(standIn, { idempotencyKey: key }, env, { timeoutMs: 5_000 });
    expect(first.error?.message).toMatch(/may have started/);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sent + 5_500 - Date.now())));
    const redelivered = await invokeAgainst(standIn, { idempotencyKey: key }, env);
    expect(redelivered.error?.name).toBe('LaunchInProgress');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sent + 8_000 - Date.now())));
    expect(runsWithKey(key)).toHaveLength(1);
  });
});
