/**
 * `npm run bench`: the launcher and the reference flow side by side, in one run, against the local stand-in with
 * a fixed latency on every AWS call. A benchmark, not a test: never part of `npm test`. Prints one table and writes
 * the same figures to bench/results.json.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Call, StandIn } from '../local/standin/server';
import { BUNDLE, BundleSession } from '../local/tools/bundle';
import { parseCommandLine, runTool, UsageError } from '../local/tools/cli';
import { demoJob, LAMBDA_CONTEXT, LAMBDA_ENV, launcherEnvironment, scheduledEvent } from '../local/tools/fixtures';
import { projectRoot } from '../local/tools/root';
import { awsCalls, roundTrips } from './round-trips';

const ROOT = projectRoot();
const FLOWS = { launcher: BUNDLE, reference: join(ROOT, 'dist/bench/reference.mjs') } as const;
type Flow = keyof typeof FLOWS;
const USAGE = `usage: npm run bench [-- --latency MS] [--cold N] [--warm N] [--batch N]

  --latency MS  latency of every AWS call at the stand-in (default 25)
  --cold N      rounds of fresh processes for the cold-start figures (default 20, at least 10)
  --warm N      launches in one process for the warm latency (default 200, at least 200)
  --batch N     jobs in the batch (default 100)`;

interface Options {
  latency: number;
  cold: number;
  warm: number;
  batch: number;
}

const parseOptions = (argv: readonly string[]): Options => {
  const { values } = parseCommandLine(
    argv,
    { latency: { type: 'string' }, cold: { type: 'string' }, warm: { type: 'string' }, batch: { type: 'string' } },
    USAGE,
  );
  const number = (name: keyof Options, fallback: number, min: number) => {
    const text = values[name];
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min)
      throw new UsageError(`--${name} takes a whole number of at least ${min}`);
    return Number(text);
  };
  return {
    latency: number('latency', 25, 0),
    cold: number('cold', 20, 10),
    warm: number('warm', 200, 200),
    batch: number('batch', 100, 1),
  };
};

// Progress on a terminal only: a log file gets the table alone.
const progress = (text: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
};
const median = (values: readonly number[]) => quantile(values, 0.5);
const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

const run = (args: string[], env: Record<string, string>): Promise<{ ms: number; stdout: string }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(
      process.execPath,
      args,
      { env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, ...env } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve({ ms: performance.now() - started, stdout });
      },
    );
  });

// A fresh process: import the bundle, run the first launch, report the times and the peak RSS.
const COLD = `
const t0 = performance.now();
const { handler } = await import(process.argv[1]);
const t1 = performance.now();
const context = { ...${JSON.stringify(LAMBDA_CONTEXT)}, awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 60000 };
let error;
try { await handler(JSON.parse(process.argv[2]), context); } catch (e) { error = e.name + ': ' + e.message; }
const t2 = performance.now();
process.stdout.write('\\n' + JSON.stringify({ importMs: t1 - t0, launchMs: t2 - t1, rssKb: process.resourceUsage().maxRSS, error }) + '\\n');
process.exit(0);
`;

interface Figures {
  coldImportOverBareMs: number;
  coldImportInProcessMs: number;
  coldFirstLaunchMs: number;
  peakRssMb: number;
  warmP50Ms: number;
  warmP95Ms: number;
  callsPerWarmLaunch: number;
  roundTripsWarm: number;
  roundTripsCold: number;
  batchWallMs: number;
  batchCalls: number;
  batchTokenCalls: number;
  bundleBytes: number;
  bundleGzipBytes: number;
}

type ColdFigures = Pick<
  Figures,
  'coldImportOverBareMs' | 'coldImportInProcessMs' | 'coldFirstLaunchMs' | 'peakRssMb' | 'roundTripsCold'
>;

/**
 * Fresh processes, both flows and a bare `node -e 0` in each round, in turns: the machine's noise (a 2-core VM)
 * then falls on all three alike. The import cost is each round's import-only process minus its bare one.
 */
const coldStarts = async (standIn: StandIn, env: Record<string, string>, options: Options) => {
  const flows = Object.keys(FLOWS) as Flow[];
  const samples = new Map<
    Flow,
    { overBare: number[]; launches: Array<{ importMs: number; launchMs: number; rssKb: number }> }
  >(flows.map((flow) => [flow, { overBare: [], launches: [] }]));
  const trips = new Map<Flow, number>();
  const bare: number[] = [];
  for (let i = 0; i < options.cold; i += 1) {
    progress(`cold starts: round ${i + 1}/${options.cold}`);
    const bareMs = (await run(['-e', '0'], {})).ms;
    bare.push(bareMs);
    for (const flow of i % 2 === 0 ? flows : [...flows].reverse()) {
      const url = pathToFileURL(FLOWS[flow]).href;
      const sample = samples.get(flow) as NonNullable<ReturnType<typeof samples.get>>;
      const imported = await run(['--input-type=module', '-e', `await import(${JSON.stringify(url)})`], env);
      sample.overBare.push(imported.ms - bareMs);
      const before = standIn.calls.length;
      const { stdout } = await run(
        ['--input-type=module', '-e', COLD, url, JSON.stringify(scheduledEvent(crypto.randomUUID()))],
        env,
      );
      const report = JSON.parse(stdout.trim().split('\n').at(-1) as string);
      if (report.error) throw new Error(`${flow} failed its first launch: ${report.error}`);
      sample.launches.push(report);
      if (!trips.has(flow)) trips.set(flow, roundTrips(standIn.calls.slice(before)));
    }
  }
  const figures = new Map<Flow, ColdFigures>(
    flows.map((flow) => {
      const { overBare, launches } = samples.get(flow) as NonNullable<ReturnType<typeof samples.get>>;
      return [
        flow,
        {
          coldImportOverBareMs: median(overBare),
          coldImportInProcessMs: median(launches.map((l) => l.importMs)),
          coldFirstLaunchMs: median(launches.map((l) => l.launchMs)),
          peakRssMb: median(launches.map((l) => l.rssKb)) / 1024,
          roundTripsCold: trips.get(flow) as number,
        },
      ];
    }),
  );
  return { figures, bareMs: median(bare) };
};

/** Warm launches, the batch and the bundle, for one flow. */
const measure = async (flow: Flow, standIn: StandIn, env: Record<string, string>, options: Options) => {
  const figures: Partial<Figures> = {};
  const session = new BundleSession(env, { bundle: FLOWS[flow] });
  try {
    for (let i = 0; i < 3; i += 1) await session.invoke(scheduledEvent(crypto.randomUUID())); // the job is known now
    const latencies: number[] = [];
    let windowCalls: Call[] = [];
    for (let i = 0; i < options.warm; i += 1) {
      if (i % 20 === 0) progress(`${flow}: warm launch ${i + 1}/${options.warm}`);
      const before = standIn.calls.length;
      const { error, handlerMs } = await session.invoke(scheduledEvent(crypto.randomUUID()));
      if (error) throw new Error(`${flow} failed a warm launch: ${error.name}: ${error.message}`);
      latencies.push(handlerMs as number);
      windowCalls = standIn.calls.slice(before);
    }
    figures.warmP50Ms = quantile(latencies, 0.5);
    figures.warmP95Ms = quantile(latencies, 0.95);
    figures.callsPerWarmLaunch = awsCalls(windowCalls).length;
    figures.roundTripsWarm = roundTrips(windowCalls);

    progress(`${flow}: batch of ${options.batch}`);
    const jobs = Array.from({ length: options.batch }, (_, i) => ({ jobName: `batch-${String(i).padStart(3, '0')}` }));
    const before = standIn.calls.length;
    const started = performance.now();
    if (flow === 'launcher') {
      const { error } = await session.invoke({ idempotencyKey: crypto.randomUUID(), jobs });
      if (error) throw new Error(`the launcher failed the batch: ${error.name}: ${error.message}`);
    } else {
      // The reference has no batch: a loop of invocations, as a Step Functions Map or a DAG would drive it.
      for (const job of jobs) await session.invoke(job);
    }
    figures.batchWallMs = performance.now() - started;
    const batchCalls = awsCalls(standIn.calls.slice(before));
    figures.batchCalls = batchCalls.length;
    figures.batchTokenCalls = batchCalls.filter((c) => c.operation === 'GetAuthorizationToken').length;
  } finally {
    await session.close();
  }
  const code = readFileSync(FLOWS[flow]);
  figures.bundleBytes = statSync(FLOWS[flow]).size;
  figures.bundleGzipBytes = gzipSync(code).length;
  return figures;
};

const main = async (): Promise<number> => {
  const options = parseOptions(process.argv.slice(2));
  const standIn = await StandIn.start({ install: 'none' });
  try {
    standIn.faults.setLatency('*', options.latency);
    const job = { Timeout: 60, ExecutionProperty: { MaxConcurrentRuns: 1_000_000 } };
    standIn.createJob(demoJob('bench-job', job));
    for (let i = 0; i < options.batch; i += 1) standIn.createJob(demoJob(`batch-${String(i).padStart(3, '0')}`, job));
    const env = { ...launcherEnvironment(standIn, ['bench-job']), ALLOWED_JOB_NAMES: '*' };

    const cold = await coldStarts(standIn, env, options);
    const launcher = {
      ...(await measure('launcher', standIn, env, options)),
      ...cold.figures.get('launcher'),
    } as Figures;
    const reference = {
      ...(await measure('reference', standIn, env, options)),
      ...cold.figures.get('reference'),
    } as Figures;
    const bareMs = cold.bareMs;
    progress('');
    report(options, bareMs, launcher, reference);
    return 0;
  } finally {
    await standIn.stop();
  }
};

const report = (options: Options, bareMs: number, launcher: Figures, reference: Figures) => {
  const ms = (v: number) => v.toFixed(1);
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  type Row = [
    string,
    (f: Figures) => number,
    (v: number) => string,
    string,
    (l: Figures, r: Figures) => boolean | undefined,
  ];
  const rows: Row[] = [
    [
      'cold import over bare node -e 0 (ms)',
      (f) => f.coldImportOverBareMs,
      ms,
      '<= 45 ms',
      (l) => l.coldImportOverBareMs <= 45,
    ],
    ['cold import, in-process (ms)', (f) => f.coldImportInProcessMs, ms, '', () => undefined],
    ['cold first launch (ms)', (f) => f.coldFirstLaunchMs, ms, '', () => undefined],
    ['peak RSS of a launch process (MB)', (f) => f.peakRssMb, ms, '<= 64 MB', (l) => l.peakRssMb <= 64],
    ['warm launch p50 (ms)', (f) => f.warmP50Ms, ms, '<= 0.55x', (l, r) => l.warmP50Ms <= 0.55 * r.warmP50Ms],
    ['warm launch p95 (ms)', (f) => f.warmP95Ms, ms, '', () => undefined],
    ['AWS calls per warm launch', (f) => f.callsPerWarmLaunch, int, '', () => undefined],
    ['sequential round trips, warm', (f) => f.roundTripsWarm, int, '2', (l) => l.roundTripsWarm <= 2],
    ['sequential round trips, cold', (f) => f.roundTripsCold, int, '<= 3', (l) => l.roundTripsCold <= 3],
    [
      `batch of ${options.batch}: wall (ms)`,
      (f) => f.batchWallMs,
      int,
      '<= 0.15x',
      (l, r) => l.batchWallMs <= 0.15 * r.batchWallMs,
    ],
    [`batch of ${options.batch}: AWS calls`, (f) => f.batchCalls, int, '', () => undefined],
    [
      `batch of ${options.batch}: GetAuthorizationToken calls`,
      (f) => f.batchTokenCalls,
      int,
      '1',
      (l) => l.batchTokenCalls === 1,
    ],
    ['bundle, minified (bytes)', (f) => f.bundleBytes, int, '<= 350 KB', (l) => l.bundleBytes <= 350 * 1024],
    ['bundle, gzip (bytes)', (f) => f.bundleGzipBytes, int, '', () => undefined],
  ];
  const header = ['metric', 'launcher', 'reference', 'ratio', 'goal', 'met'];
  const table = rows.map(([name, get, format, goal, met]) => {
    const l = get(launcher);
    const r = get(reference);
    const verdict = met(launcher, reference);
    return [
      name,
      format(l),
      format(r),
      r === 0 ? '-' : (l / r).toFixed(2),
      goal,
      verdict === undefined ? '' : verdict ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  console.log(
    `glue-launcher bench: ${options.latency} ms per AWS call at the stand-in, node ${process.version}, ${cpus().length} cores; ` +
      `bare node -e 0: ${ms(bareMs)} ms (median of ${options.cold}); cold figures: median of ${options.cold} processes; ` +
      `warm: ${options.warm} launches in one process\n`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of table) console.log(line(row as string[]));
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    options,
    bareMs,
    launcher,
    reference,
  };
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten: bench/results.json');
};

runTool(main, USAGE, (text) => {
  progress('');
  console.error(`bench failed: ${text}`);
});
