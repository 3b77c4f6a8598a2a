/**
 * `npm run race`: the window in which two deliveries of one event, in flight at once, both start a run (docs/reliability.md;
 * docs/adr/0014-never-twice.md). Two containers of the built bundle against the stand-in, with a
 * fixed latency on every AWS call; the second delivery is sent a fixed delay after the first, for each delay, many
 * times, in each case: warm containers, a first start that is throttled, cold containers, requirements-file
 * delivery. Without `--lock` the record is Glue's run list, which has no conditional write: the window is measured.
 * With `--lock` the optional lock (IDEMPOTENCY_TABLE, against dynalite) must leave no double start at any delay.
 */
import { StandIn } from '../local/standin/server';
import { BundleSession } from '../local/tools/bundle';
import { parseCommandLine, runTool, ToolFailure, UsageError } from '../local/tools/cli';
import { startDynamo } from '../local/tools/dynamo';
import { launcherEnvironment, nextScheduledEvent, REQUIREMENTS_BUCKET, teamJob } from '../local/tools/fixtures';

const CASES = ['warm', 'throttled', 'cold', 'file'] as const;
type Case = (typeof CASES)[number];

const USAGE = `usage: npm run race [-- --lock] [--latency MS] [--trials N] [--delays MS,MS,...] [--cases LIST]

  --lock          with the optional atomic lock (IDEMPOTENCY_TABLE), against dynalite: 0 double starts expected
  --latency MS    latency of every AWS call at the stand-in (default 25, as npm run bench)
  --trials N      pairs of deliveries per delay (default 20)
  --delays LIST   milliseconds between the two deliveries (default 0,25,50,100,200,400)
  --cases LIST    of ${CASES.join(', ')} (default all)`;

const JOB = 'race-job';
const KEY = '--launch-idempotency-key';

const options = (argv: readonly string[]) => {
  const { values } = parseCommandLine(
    argv,
    {
      lock: { type: 'boolean' },
      latency: { type: 'string' },
      trials: { type: 'string' },
      delays: { type: 'string' },
      cases: { type: 'string' },
    },
    USAGE,
  );
  const whole = (text: string, what: string) => {
    if (!/^\d+$/.test(text)) throw new UsageError(`${what} takes whole numbers of milliseconds or trials`);
    return Number(text);
  };
  const trials = whole(values.trials ?? '20', '--trials');
  if (trials < 1) throw new UsageError('--trials takes at least 1');
  const cases = (values.cases ?? CASES.join(',')).split(',').map((c) => c.trim());
  const unknown = cases.filter((c) => !(CASES as readonly string[]).includes(c));
  if (unknown.length > 0)
    throw new UsageError(`--cases: no case ${unknown.join(', ')}; the cases are ${CASES.join(', ')}`);
  return {
    lock: values.lock === true,
    latency: whole(values.latency ?? '25', '--latency'),
    trials,
    delays: (values.delays ?? '0,25,50,100,200,400').split(',').map((d) => whole(d.trim(), '--delays')),
    cases: cases as Case[],
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const main = async (): Promise<number> => {
  const { lock, latency, trials, delays, cases } = options(process.argv.slice(2));
  const standIn = await StandIn.start({ install: 'none' });
  const dynamo = lock ? await startDynamo(undefined, latency) : undefined;
  standIn.faults.setLatency('*', latency);
  standIn.createJob(teamJob(JOB, { ExecutionProperty: { MaxConcurrentRuns: 1_000_000 } }));
  standIn.s3.createBucket(REQUIREMENTS_BUCKET);
  const base = {
    ...launcherEnvironment(standIn, [JOB]),
    ...(dynamo ? { IDEMPOTENCY_TABLE: dynamo.table, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint } : {}),
  };
  const envOf = (which: Case): Record<string, string> =>
    which === 'file' ? { ...base, TOKEN_DELIVERY: 'requirements-file', REQUIREMENTS_BUCKET } : base;
  console.log(
    `glue-launcher race: the same EventBridge event to two containers, the second after a delay; ${latency} ms per ` +
      `AWS call at the stand-in (DynamoDB too); ${trials} pairs per delay; ${lock ? 'WITH the lock (dynalite)' : 'without the lock'}; ` +
      `node ${process.version}.\n`,
  );
  console.log('case      | delay (ms) | both started a run | LaunchInProgress answers');
  console.log('--------- | ---------- | ------------------ | ------------------------');
  let doublesInAll = 0;
  const windows: string[] = [];
  try {
    for (const which of cases) {
      let widest = -1;
      for (const delay of delays) {
        let doubles = 0;
        let inProgress = 0;
        for (let trial = 0; trial < trials; trial += 1) {
          // Cold: two fresh containers per pair; otherwise two containers kept warm across pairs.
          const containers = await containersFor(which, envOf(which), standIn);
          try {
            const event = nextScheduledEvent(standIn); // a new event, and earlier runs past its horizon
            if (which === 'throttled') standIn.failNext('StartJobRun', 1, 'throttle');
            const first = (containers[0] as BundleSession).invoke(event);
            await sleep(delay);
            const outcomes = await Promise.all([first, (containers[1] as BundleSession).invoke(event)]);
            for (const { error } of outcomes) {
              if (error?.name === 'LaunchInProgress') inProgress += 1;
              else if (error) throw new ToolFailure(`a delivery failed: ${error.name}: ${error.message}`);
            }
            if (standIn.runs(JOB).filter((run) => run.Arguments[KEY] === event.id).length > 1) doubles += 1;
          } finally {
            if (which === 'cold') await Promise.all(containers.map((c) => c.close()));
          }
        }
        doublesInAll += doubles;
        if (doubles > 0) widest = delay;
        console.log(
          `${which.padEnd(9)} | ${String(delay).padStart(10)} | ${`${doubles} of ${trials}`.padStart(18)} | ${String(inProgress).padStart(24)}`,
        );
      }
      windows.push(`${which}: ${widest < 0 ? 'none' : `doubles up to ${widest} ms apart`}`);
    }
    console.log('');
    console.log(
      lock
        ? `conclusion: ${doublesInAll === 0 ? 'the lock held: 0 double starts' : `THE LOCK DID NOT HOLD: ${doublesInAll} double starts`} in every case and delay measured.`
        : `conclusion: without the lock, two deliveries in flight together can both start a run (${windows.join('; ')}); set IDEMPOTENCY_TABLE to close the window.`,
    );
    return lock && doublesInAll > 0 ? 1 : 0;
  } finally {
    await Promise.all([...warm.values()].flat().map((container) => container.close()));
    warm.clear();
    await standIn.stop();
    await dynamo?.stop();
  }
};

/** Warm containers, made once per case and kept: each knows the job and the endpoint, as Lambda's would. */
const warm = new Map<Case, BundleSession[]>();

const containersFor = async (which: Case, env: Record<string, string>, standIn: StandIn) => {
  if (which === 'cold') return [new BundleSession(env), new BundleSession(env)];
  const known = warm.get(which);
  if (known) return known;
  const containers = [new BundleSession(env), new BundleSession(env)];
  for (const container of containers) {
    for (let i = 0; i < 2; i += 1) await container.invoke(nextScheduledEvent(standIn));
  }
  warm.set(which, containers);
  return containers;
};

runTool(main, USAGE);
