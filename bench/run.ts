/**
 * `npm run bench`: the launcher and the reference flow side by side, in one run, against the local stand-in with a
 * fixed latency on every AWS call, on the Node that runs it (Node 24, as Lambda's nodejs24.x). A benchmark, not a
 * test: never part of `npm test`. Prints one table and writes the same figures to bench/results.json.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { StandIn } from '../local/standin/server';
import { BUNDLE } from '../local/tools/bundle';
import { parseCommandLine, runTool, UsageError } from '../local/tools/cli';
import { launcherFunction } from '../local/tools/cloudformation';
import { launcherEnvironment, teamJob } from '../local/tools/fixtures';
import { projectRoot } from '../local/tools/root';
import { BASELINE_COMMIT, buildBaseline } from './baseline';
import { type ColdTarget, coldStarts, fillCompileCache, removeCompileCache } from './cold';
import { type Row, table } from './report';
import { batchJobName, warmLaunches } from './warm';

const ROOT = projectRoot();
const REFERENCE = join(ROOT, 'dist/bench/reference.cjs');
/** The same SDK clients, constructed as the launcher constructs them, and nothing else. */
const SDK_ONLY = join(ROOT, 'dist/bench/sdk-only.cjs');
/** This source built with the options before docs/adr/0007 (ES module, node20): the build change alone. */
const AS_ESM = join(ROOT, 'dist/bench/handler-esm.mjs');
const USAGE = `usage: npm run bench [-- --latency MS] [--cold N] [--warm N] [--batch N] [--also-node PATH]

  --latency MS      latency of every AWS call at the stand-in (default 25)
  --cold N          rounds of fresh processes for the cold-start figures (default 20, at least 10)
  --warm N          launches in one process for the warm latency (default 200, at least 200)
  --batch N         jobs in the batch (default 100)
  --also-node PATH  another Node binary (e.g. the machine's Node 20) for cold-import rows beside Node 24's`;

interface Options {
  readonly latency: number;
  readonly cold: number;
  readonly warm: number;
  readonly batch: number;
  readonly alsoNode: string | undefined;
}

const parseOptions = (argv: readonly string[]): Options => {
  const { values } = parseCommandLine(
    argv,
    {
      latency: { type: 'string' },
      cold: { type: 'string' },
      warm: { type: 'string' },
      batch: { type: 'string' },
      'also-node': { type: 'string' },
    },
    USAGE,
  );
  const number = (name: 'latency' | 'cold' | 'warm' | 'batch', fallback: number, min: number) => {
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
    alsoNode: values['also-node'],
  };
};

// Progress on a terminal only: a log file gets the table alone.
const progress = (text: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
};

const versionOf = (node: string) =>
  node === process.execPath ? process.version : execFileSync(node, ['-v'], { encoding: 'utf8' }).trim();

const main = async (): Promise<number> => {
  const options = parseOptions(process.argv.slice(2));
  const node = process.execPath;
  const standIn = await StandIn.start({ install: 'none' });
  const caches: string[] = [];
  const baseline = await buildBaseline(ROOT);
  try {
    standIn.faults.setLatency('*', options.latency);
    const job = { Timeout: 60, ExecutionProperty: { MaxConcurrentRuns: 1_000_000 } };
    standIn.createJob(teamJob('bench-job', job));
    for (let i = 0; i < options.batch; i += 1) standIn.createJob(teamJob(batchJobName(i), job));
    const env = { ...launcherEnvironment(standIn, ['bench-job']), ALLOWED_JOB_NAMES: '*' };

    progress('compile caches');
    caches.push(await fillCompileCache(node, BUNDLE, env), await fillCompileCache(node, REFERENCE, env));
    const targets: ColdTarget[] = [
      { name: 'launcher', bundle: BUNDLE, node, launch: true },
      { name: 'reference', bundle: REFERENCE, node, launch: true },
      { name: 'sdk-only', bundle: SDK_ONLY, node, launch: false },
      { name: 'as-esm', bundle: AS_ESM, node, launch: false },
      ...('bundle' in baseline ? [{ name: 'baseline', bundle: baseline.bundle, node, launch: false }] : []),
      {
        name: 'launcher+file',
        bundle: BUNDLE,
        node,
        launch: false,
        env: { TOKEN_DELIVERY: 'requirements-file', REQUIREMENTS_BUCKET: 'bench-requirements' },
      },
      { name: 'launcher+cache', bundle: BUNDLE, node, launch: false, compileCache: caches[0] },
      { name: 'reference+cache', bundle: REFERENCE, node, launch: false, compileCache: caches[1] },
      ...(options.alsoNode
        ? [
            { name: 'launcher@also', bundle: BUNDLE, node: options.alsoNode, launch: false },
            { name: 'reference@also', bundle: REFERENCE, node: options.alsoNode, launch: false },
          ]
        : []),
    ];
    const cold = await coldStarts(targets, options.cold, standIn, env, progress);
    const warm = await warmLaunches(
      { name: 'launcher', bundle: BUNDLE, batches: true },
      standIn,
      env,
      options,
      progress,
    );
    const warmRef = await warmLaunches(
      { name: 'reference', bundle: REFERENCE, batches: false },
      standIn,
      env,
      options,
      progress,
    );
    progress('');

    const c = (name: string) => cold.figures.get(name) as NonNullable<ReturnType<typeof cold.figures.get>>;
    const [l, r, esm, sdk] = [c('launcher'), c('reference'), c('as-esm'), c('sdk-only')];
    const base = 'bundle' in baseline ? c('baseline') : undefined;
    const memoryMb = Number(launcherFunction().MemorySize);
    const size = (file: string) => statSync(file).size;
    const gzip = (file: string) => gzipSync(readFileSync(file)).length;
    const rows: Row[] = [
      {
        metric: 'cold import over bare node -e 0 (ms)',
        launcher: l.importOverBareMs,
        versus: r.importOverBareMs,
        format: 'ms',
        goal: '<= 1.20x',
        met: l.importOverBareMs <= 1.2 * r.importOverBareMs,
      },
      {
        metric: 'cold import over bare, vs the same SDK clients alone (ms)',
        launcher: l.importOverBareMs,
        versus: sdk.importOverBareMs,
        format: 'ms',
        goal: '<= 1.20x',
        met: l.importOverBareMs <= 1.2 * sdk.importOverBareMs,
      },
      {
        metric: `cold import over bare, vs main at ${BASELINE_COMMIT.slice(0, 7)} as it was built (ms)`,
        launcher: l.importOverBareMs,
        versus: base?.importOverBareMs,
        format: 'ms',
        goal: '<= 0.65x',
        met: base === undefined ? false : l.importOverBareMs <= 0.65 * base.importOverBareMs,
      },
      {
        metric: 'cold import over bare, vs this source built as before (ms)',
        launcher: l.importOverBareMs,
        versus: esm.importOverBareMs,
        format: 'ms',
      },
      {
        // The S3 bundle loads at init only when a delivery writes files (docs/adr/0011).
        metric: 'cold import over bare, requirements-file delivery (ms)',
        launcher: c('launcher+file').importOverBareMs,
        versus: r.importOverBareMs,
        format: 'ms',
      },
      {
        metric: 'cold import, in-process (ms)',
        launcher: l.importInProcessMs as number,
        versus: r.importInProcessMs,
        format: 'ms',
      },
      { metric: 'cold first launch (ms)', launcher: l.firstLaunchMs as number, versus: r.firstLaunchMs, format: 'ms' },
      {
        metric: 'peak RSS of a launch process (MB)',
        launcher: l.peakRssMb as number,
        versus: r.peakRssMb,
        format: 'ms',
        goal: `<= 1.10x, < ${memoryMb} MB`,
        met: (l.peakRssMb as number) <= 1.1 * (r.peakRssMb as number) && (l.peakRssMb as number) < memoryMb,
      },
      {
        metric: 'warm launch p50 (ms)',
        launcher: warm.warmP50Ms,
        versus: warmRef.warmP50Ms,
        format: 'ms',
        goal: '<= 0.55x',
        met: warm.warmP50Ms <= 0.55 * warmRef.warmP50Ms,
      },
      { metric: 'warm launch p95 (ms)', launcher: warm.warmP95Ms, versus: warmRef.warmP95Ms, format: 'ms' },
      {
        metric: 'AWS calls per warm launch',
        launcher: warm.callsPerWarmLaunch,
        versus: warmRef.callsPerWarmLaunch,
        format: 'int',
      },
      {
        metric: 'sequential round trips, warm',
        launcher: warm.roundTripsWarm,
        versus: warmRef.roundTripsWarm,
        format: 'int',
        goal: '2',
        met: warm.roundTripsWarm <= 2,
      },
      {
        metric: 'sequential round trips, cold',
        launcher: l.roundTrips as number,
        versus: r.roundTrips,
        format: 'int',
        goal: '<= 3',
        met: (l.roundTrips as number) <= 3,
      },
      {
        metric: `batch of ${options.batch}: wall (ms)`,
        launcher: warm.batchWallMs,
        versus: warmRef.batchWallMs,
        format: 'int',
        goal: '<= 0.15x',
        met: warm.batchWallMs <= 0.15 * warmRef.batchWallMs,
      },
      {
        metric: `batch of ${options.batch}: AWS calls`,
        launcher: warm.batchCalls,
        versus: warmRef.batchCalls,
        format: 'int',
      },
      {
        metric: `batch of ${options.batch}: GetAuthorizationToken calls`,
        launcher: warm.batchTokenCalls,
        versus: warmRef.batchTokenCalls,
        format: 'int',
        goal: '1',
        met: warm.batchTokenCalls === 1,
      },
      { metric: 'bundle, minified (bytes)', launcher: size(BUNDLE), versus: size(REFERENCE), format: 'int' },
      { metric: 'bundle, gzip (bytes)', launcher: gzip(BUNDLE), versus: gzip(REFERENCE), format: 'int' },
      {
        metric: 'cold import over bare, with a compile cache (ms)',
        launcher: c('launcher+cache').importOverBareMs,
        versus: c('reference+cache').importOverBareMs,
        format: 'ms',
      },
      ...(options.alsoNode
        ? [
            {
              metric: `cold import over bare, node ${versionOf(options.alsoNode)} (ms)`,
              launcher: c('launcher@also').importOverBareMs,
              versus: c('reference@also').importOverBareMs,
              format: 'ms' as const,
            },
          ]
        : []),
    ];
    const bare = [...cold.bareMs]
      .map(([binary, ms]) => `node ${versionOf(binary)} -e 0: ${ms.toFixed(1)} ms`)
      .join(', ');
    console.log(
      `glue-launcher bench: ${options.latency} ms per AWS call at the stand-in, node ${process.version} (${process.arch}), ${cpus().length} cores; ` +
        `bare ${bare} (medians of ${options.cold} rounds); warm: ${options.warm} launches in one process. ` +
        `"vs" is the reference flow, bundled with the launcher's options, except on rows 2 to 4: the launcher's SDK clients ` +
        `alone (constructed as the launcher constructs them), the launcher before docs/adr/0007` +
        `${'missing' in baseline ? ` (${baseline.missing})` : ''}, and this source built with the options before it. ` +
        `The compile-cache row is not what Lambda runs (docs/adr/0007).\n`,
    );
    console.log(table(rows));
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      arch: process.arch,
      cores: cpus().length,
      options,
      bare: Object.fromEntries(cold.bareMs),
      cold: Object.fromEntries(cold.figures),
      warm,
      warmReference: warmRef,
      rows,
    };
    writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('\nwritten: bench/results.json');
    return 0;
  } finally {
    if ('cleanup' in baseline) baseline.cleanup();
    for (const cache of caches) removeCompileCache(cache);
    await standIn.stop();
  }
};

runTool(main, USAGE, (text) => {
  progress('');
  console.error(`bench failed: ${text}`);
});
