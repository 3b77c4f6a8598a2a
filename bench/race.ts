/**
 * `npm run race`: the window in which two deliveries of one event, in flight at once, both start a run (README,
 * Reliability). Two warm containers of the built bundle against the stand-in, with a fixed latency on every AWS
 * call; the second delivery is sent a fixed delay after the first, for each delay, many times. A measurement, not a
 * test: the launcher does not close this window (its record is Glue's run list, which has no conditional write).
 */
import { StandIn } from '../local/standin/server';
import { BundleSession } from '../local/tools/bundle';
import { parseCommandLine, runTool, UsageError } from '../local/tools/cli';
import { launcherEnvironment, nextScheduledEvent, teamJob } from '../local/tools/fixtures';
import { quantile } from './stats';

const USAGE = `usage: npm run race [-- --latency MS] [--trials N] [--delays MS,MS,...]

  --latency MS    latency of every AWS call at the stand-in (default 25, as npm run bench)
  --trials N      pairs of deliveries per delay (default 20)
  --delays LIST   milliseconds between the two deliveries (default 0,25,50,75,100,150)`;

const JOB = 'race-job';
const KEY = '--launch-idempotency-key';

const options = (argv: readonly string[]) => {
  const { values } = parseCommandLine(
    argv,
    { latency: { type: 'string' }, trials: { type: 'string' }, delays: { type: 'string' } },
    USAGE,
  );
  const whole = (text: string, what: string) => {
    if (!/^\d+$/.test(text)) throw new UsageError(`${what} takes whole numbers of milliseconds or trials`);
    return Number(text);
  };
  const trials = whole(values.trials ?? '20', '--trials');
  if (trials < 1) throw new UsageError('--trials takes at least 1');
  return {
    latency: whole(values.latency ?? '25', '--latency'),
    trials,
    delays: (values.delays ?? '0,25,50,75,100,150').split(',').map((d) => whole(d.trim(), '--delays')),
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const main = async (): Promise<number> => {
  const { latency, trials, delays } = options(process.argv.slice(2));
  const standIn = await StandIn.start({ install: 'none' });
  standIn.faults.setLatency('*', latency);
  standIn.createJob(teamJob(JOB, { ExecutionProperty: { MaxConcurrentRuns: 1_000_000 } }));
  const env = launcherEnvironment(standIn, [JOB]);
  // Two warm containers, as Lambda runs two deliveries that overlap: each knows the job and the endpoint.
  const containers = [new BundleSession(env), new BundleSession(env)];
  try {
    for (const container of containers) {
      for (let i = 0; i < 2; i += 1) await container.invoke(nextScheduledEvent(standIn));
    }
    console.log(
      `glue-launcher race: two warm containers, the same EventBridge event sent to both, the second after a delay; ` +
        `${latency} ms per AWS call at the stand-in; ${trials} pairs per delay; node ${process.version}.\n`,
    );
    console.log(
      'delay (ms) | both started a run | the window: first delivery read runs -> its start took effect (ms, p50)',
    );
    console.log(
      '---------- | ------------------ | ----------------------------------------------------------------------',
    );
    for (const delay of delays) {
      let doubles = 0;
      const gaps: number[] = [];
      for (let trial = 0; trial < trials; trial += 1) {
        const event = nextScheduledEvent(standIn); // a new event, and earlier runs past its horizon
        const before = standIn.calls.length;
        const first = (containers[0] as BundleSession).invoke(event);
        await sleep(delay);
        const outcomes = await Promise.all([first, (containers[1] as BundleSession).invoke(event)]);
        for (const { error } of outcomes) {
          if (error) throw new Error(`a delivery failed: ${error.name}: ${error.message}`);
        }
        if (standIn.runs(JOB).filter((run) => run.Arguments[KEY] === event.id).length > 1) doubles += 1;
        const calls = standIn.calls.slice(before);
        const read = calls.find((call) => call.operation === 'GetJobRuns');
        const start = calls.find((call) => call.operation === 'StartJobRun');
        if (read?.respondedAt !== undefined && start) gaps.push(start.receivedAt + latency - read.respondedAt);
      }
      const gap = gaps.length > 0 ? quantile(gaps, 0.5).toFixed(0) : '-';
      console.log(`${String(delay).padStart(10)} | ${`${doubles} of ${trials}`.padStart(18)} | ${gap.padStart(70)}`);
    }
    return 0;
  } finally {
    await Promise.all(containers.map((container) => container.close()));
    await standIn.stop();
  }
};

runTool(main, USAGE);
