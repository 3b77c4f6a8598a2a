/** Warm launches, and a batch, in one process that loaded the bundle once: a warm Lambda container. */
import type { Call, StandIn } from '../local/standin/server';
import { BundleSession } from '../local/tools/bundle';
import { nextScheduledEvent } from '../local/tools/fixtures';
import { awsCalls, roundTrips } from './round-trips';
import { quantile } from './stats';

export interface WarmFigures {
  readonly warmP50Ms: number;
  readonly warmP95Ms: number;
  readonly callsPerWarmLaunch: number;
  readonly roundTripsWarm: number;
  readonly batchWallMs: number;
  readonly batchCalls: number;
  readonly batchTokenCalls: number;
}

export const batchJobName = (i: number) => `batch-${String(i).padStart(3, '0')}`;

export const warmLaunches = async (
  flow: { readonly name: string; readonly bundle: string; readonly batches: boolean },
  standIn: StandIn,
  env: Record<string, string>,
  options: { readonly warm: number; readonly batch: number },
  progress: (text: string) => void,
): Promise<WarmFigures> => {
  const session = new BundleSession(env, { bundle: flow.bundle });
  try {
    for (let i = 0; i < 3; i += 1) await session.invoke(nextScheduledEvent(standIn)); // the job is known now
    const latencies: number[] = [];
    let window: Call[] = [];
    for (let i = 0; i < options.warm; i += 1) {
      if (i % 20 === 0) progress(`${flow.name}: warm launch ${i + 1}/${options.warm}`);
      const before = standIn.calls.length;
      const { error, handlerMs } = await session.invoke(nextScheduledEvent(standIn));
      if (error) throw new Error(`${flow.name} failed a warm launch: ${error.name}: ${error.message}`);
      latencies.push(handlerMs as number);
      window = standIn.calls.slice(before);
    }
    progress(`${flow.name}: batch of ${options.batch}`);
    const jobs = Array.from({ length: options.batch }, (_, i) => ({ jobName: batchJobName(i) }));
    const before = standIn.calls.length;
    const started = performance.now();
    if (flow.batches) {
      const { error } = await session.invoke({ idempotencyKey: crypto.randomUUID(), jobs });
      if (error) throw new Error(`${flow.name} failed the batch: ${error.name}: ${error.message}`);
    } else {
      // No batch: a loop of invocations, as a Step Functions Map or a DAG would drive it.
      for (const job of jobs) await session.invoke(job);
    }
    const batchWallMs = performance.now() - started;
    const batchCalls = awsCalls(standIn.calls.slice(before));
    return {
      warmP50Ms: quantile(latencies, 0.5),
      warmP95Ms: quantile(latencies, 0.95),
      callsPerWarmLaunch: awsCalls(window).length,
      roundTripsWarm: roundTrips(window),
      batchWallMs,
      batchCalls: batchCalls.length,
      batchTokenCalls: batchCalls.filter((c) => c.operation === 'GetAuthorizationToken').length,
    };
  } finally {
    await session.close();
  }
};

/**
 * Sequential round trips of a warm launch keyed as template.yaml's schedule keys it, for a schedule that has run
 * every 5 minutes for a day: 288 runs of the job, each with its occurrence's key. The lookup must not read them all.
 */
export const scheduledRoundTrips = async (
  standIn: StandIn,
  env: Record<string, string>,
  bundle: string,
): Promise<number> => {
  const session = new BundleSession(env, { bundle });
  const schedule = 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/every-5-minutes';
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    await session.invoke({ jobName: 'bench-job' }); // warm: the container knows the job
    const now = standIn.clock.now();
    for (let i = 288; i >= 1; i -= 1) {
      standIn.glue.StartJobRun({
        JobName: 'bench-job',
        Arguments: { '--launch-idempotency-key': `${schedule}#${at(now - i * 300_000)}` },
      });
      standIn.glue.ageRuns(300);
    }
    const before = standIn.calls.length;
    const { error } = await session.invoke({ jobName: 'bench-job', idempotencyKey: `${schedule}#${at(now)}` });
    if (error) throw new Error(`a scheduled launch failed: ${error.name}: ${error.message}`);
    return roundTrips(standIn.calls.slice(before));
  } finally {
    await session.close();
  }
};
