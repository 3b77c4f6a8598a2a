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
import { startDynamo } from '../local/tools/dynamo';
import { launcherEnvironment, teamJob } from '../local/tools/fixtures';
import { projectRoot } from '../local/tools/root';
import { handlerBundle } from '../scripts/bundle-options.mjs';
import { BASELINE_COMMIT, buildBaseline } from './baseline';
import { type ColdTarget, coldStarts, fillCompileCache, removeCompileCache } from './cold';
import { importInstructions, valgrindVersion } from './instructions';
import { conclusion, progressReporter, type Row, table, verdictOf } from './report';
import { standingRefresh } from './standing';
import { batchJobName, scheduledRoundTrips, warmLaunches } from './warm';

const ROOT = projectRoot();
const REFERENCE = join(ROOT, 'dist/bench/reference.cjs');
/** This source built with the options before docs/adr/0007 (ES module, node20): the build change alone. */
const AS_ESM = join(ROOT, 'dist/bench/handler-esm.mjs');
/**
 * The cold-start bound, on the launcher's own code: a handler bundle's import over the same SDK clients with the
 * frameworks the launcher is built on, each constructed as the launcher constructs it (docs/adr/0016). What the
 * frameworks cost over the SDK clients alone is printed beside it, as information.
 */
const OWN_CODE_BOUND = 1.08;

/**
 * Each deployment's handler bundle beside the same SDK clients alone, constructed as the launcher constructs them
 * (bench/sdk-only*.ts), and beside those clients with the frameworks the launcher is built on and none of its code
 * (bench/frameworks*.ts): what is over the second is the launcher's own code.
 */
interface Deployment {
  readonly name: string;
  readonly s3: boolean;
  readonly lock: boolean;
  readonly env: Readonly<Record<string, string>>;
  /** A bundle of its own rather than the launcher's handler for these clients: the standing refresher's. */
  readonly bundle?: string;
}

const DEPLOYMENTS = (<Deployment[]>[
  { name: 'arguments delivery', s3: false, lock: false, env: {} },
  {
    name: 'requirements-file delivery',
    s3: true,
    lock: false,
    env: { TOKEN_DELIVERY: 'requirements-file', REQUIREMENTS_BUCKET: 'bench-requirements' },
  },
  { name: 'with the lock', s3: false, lock: true, env: { IDEMPOTENCY_TABLE: 'bench-locks' } },
  {
    name: 'requirements-file delivery and the lock',
    s3: true,
    lock: true,
    env: {
      TOKEN_DELIVERY: 'requirements-file',
      REQUIREMENTS_BUCKET: 'bench-requirements',
      IDEMPOTENCY_TABLE: 'bench-locks',
    },
  },
  // The second function: Glue, CodeArtifact and S3, the same frameworks but the lock (docs/standing-files.md).
  {
    name: 'standing refresher',
    s3: true,
    lock: false,
    env: { REQUIREMENTS_BUCKET: 'bench-requirements', STANDING_JOB_NAMES: 'standing-000' },
    bundle: 'handler-standing',
  },
]).map((d) => ({
  ...d,
  handler: join(ROOT, `dist/${d.bundle ?? handlerBundle(d)}.cjs`),
  sdkOnly: join(ROOT, `dist/bench/sdk-only${d.s3 ? '-s3' : ''}${d.lock ? '-lock' : ''}.cjs`),
  frameworks: join(ROOT, `dist/bench/frameworks${d.s3 ? '-s3' : ''}${d.lock ? '-lock' : ''}.cjs`),
}));

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

const progress = progressReporter(process.stderr);

/** The standing refresh's scale row: jobs refreshed by one invocation (the issue's 200). */
const STANDING_JOBS = 200;

const versionOf = (node: string) =>
  node === process.execPath ? process.version : execFileSync(node, ['-v'], { encoding: 'utf8' }).trim();

const main = async (): Promise<number> => {
  const options = parseOptions(process.argv.slice(2));
  progress('starting the stand-in and the lock table (the whole run takes about 6 minutes; the table comes last)');
  const node = process.execPath;
  const standIn = await StandIn.start({ install: 'none' });
  const dynamo = await startDynamo('bench-locks', options.latency);
  const caches: string[] = [];
  const baseline = await buildBaseline(ROOT);
  const valgrind = valgrindVersion();
  try {
    standIn.faults.setLatency('*', options.latency);
    const job = { Timeout: 60, ExecutionProperty: { MaxConcurrentRuns: 1_000_000 } };
    standIn.createJob(teamJob('bench-job', job));
    for (let i = 0; i < options.batch; i += 1) standIn.createJob(teamJob(batchJobName(i), job));
    const env = {
      ...launcherEnvironment(standIn, ['bench-job']),
      ALLOWED_JOB_NAMES: '*',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    };

    progress('compile caches');
    caches.push(await fillCompileCache(node, BUNDLE, env), await fillCompileCache(node, REFERENCE, env));
    const deployments: ColdTarget[] = DEPLOYMENTS.flatMap((d, i) => [
      { name: `launcher ${d.name}`, bundle: d.handler, node, launch: i === 0, env: d.env },
      { name: `sdk-only ${d.name}`, bundle: d.sdkOnly, node, launch: false },
      { name: `frameworks ${d.name}`, bundle: d.frameworks, node, launch: false },
    ]);
    const targets: ColdTarget[] = [
      ...deployments,
      { name: 'reference', bundle: REFERENCE, node, launch: true },
      { name: 'as-esm', bundle: AS_ESM, node, launch: false },
      ...('bundle' in baseline ? [{ name: 'baseline', bundle: baseline.bundle, node, launch: false }] : []),
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
    const counted = valgrind
      ? await importInstructions(
          node,
          [...deployments, { name: 'reference', bundle: REFERENCE, node, launch: false }],
          env,
          progress,
        )
      : undefined;
    const warm = await warmLaunches(
      { name: 'launcher', bundle: BUNDLE, batches: true },
      standIn,
      env,
      options,
      progress,
    );
    const lockDeployment = DEPLOYMENTS[2] as (typeof DEPLOYMENTS)[number];
    const warmLocked = await warmLaunches(
      { name: 'launcher with the lock', bundle: lockDeployment.handler, batches: false },
      standIn,
      { ...env, ...lockDeployment.env },
      { ...options, batch: 0 },
      progress,
    );
    const warmRef = await warmLaunches(
      { name: 'reference', bundle: REFERENCE, batches: false },
      standIn,
      env,
      options,
      progress,
    );
    progress('a 5-minute schedule after a day of its runs');
    const scheduled = await scheduledRoundTrips(standIn, env, BUNDLE);
    const standing = await standingRefresh(standIn, env, STANDING_JOBS, progress);
    progress('');

    const c = (name: string) => cold.figures.get(name) as NonNullable<ReturnType<typeof cold.figures.get>>;
    /** Each round's import of one target over the same round's of another. */
    const rounds = (name: string, versus: string) =>
      c(name).importOverBareSamples.map((ms, i) => ms / (c(versus).importOverBareSamples[i] as number));
    const [l, r, esm] = [c('launcher arguments delivery'), c('reference'), c('as-esm')];
    const base = 'bundle' in baseline ? c('baseline') : undefined;
    const memoryMb = Number(launcherFunction().MemorySize);
    const size = (file: string) => statSync(file).size;
    const gzip = (file: string) => gzipSync(readFileSync(file)).length;
    // Per deployment: the launcher's own code against its bound, in instructions where they are counted (they give
    // the same verdict every run) and timed; then the frameworks' share over the SDK clients alone, as information.
    const coldRows: Row[] = DEPLOYMENTS.flatMap((d) => {
      const [launcher, frameworks, sdk] = [`launcher ${d.name}`, `frameworks ${d.name}`, `sdk-only ${d.name}`];
      const goal = { ratioAtMost: OWN_CODE_BOUND };
      const instructions = (of: string, versus: string, metric: string, decides: boolean): Row[] =>
        counted
          ? [
              {
                metric: `${metric} (M instructions)`,
                launcher: counted.get(of) as number,
                versus: counted.get(versus) as number,
                format: 'M' as const,
                ...(decides ? { goal } : {}),
              },
            ]
          : [];
      const timed = (of: string, versus: string, metric: string, decides: boolean): Row => ({
        metric: `${metric} (ms over bare)`,
        launcher: c(of).importOverBareMs,
        versus: c(versus).importOverBareMs,
        rounds: rounds(of, versus),
        format: 'ms' as const,
        ...(decides && !counted ? { goal } : {}),
      });
      const ownCode = `cold import, ${d.name}: the ${d.bundle ? 'refresher' : 'launcher'} vs its SDK clients and frameworks`;
      const share = `cold import, ${d.name}: its frameworks vs its SDK clients alone, information`;
      return [
        timed(launcher, frameworks, ownCode, true),
        ...instructions(launcher, frameworks, ownCode, true),
        ...(counted ? instructions(frameworks, sdk, share, false) : [timed(frameworks, sdk, share, false)]),
      ];
    });
    const rows: Row[] = [
      ...coldRows,
      {
        metric: 'cold import over bare, vs the reference flow (ms)',
        launcher: l.importOverBareMs,
        versus: r.importOverBareMs,
        rounds: rounds('launcher arguments delivery', 'reference'),
        format: 'ms',
      },
      {
        metric: `cold import over bare, vs main at ${BASELINE_COMMIT.slice(0, 7)} as it was built (ms)`,
        launcher: l.importOverBareMs,
        versus: base?.importOverBareMs,
        ...(base ? { rounds: rounds('launcher arguments delivery', 'baseline') } : {}),
        format: 'ms',
      },
      {
        metric: 'cold import over bare, vs this source built as before (ms)',
        launcher: l.importOverBareMs,
        versus: esm.importOverBareMs,
        format: 'ms',
      },
      {
        // The lock's cold cost: its handler bundle against the same deployment without it.
        metric: 'cold import, the lock: with it vs without (ms over bare)',
        launcher: c('launcher with the lock').importOverBareMs,
        versus: l.importOverBareMs,
        rounds: rounds('launcher with the lock', 'launcher arguments delivery'),
        format: 'ms',
      },
      ...(counted
        ? [
            {
              metric: 'cold import, the lock: with it vs without (M instructions)',
              launcher: counted.get('launcher with the lock') as number,
              versus: counted.get('launcher arguments delivery') as number,
              format: 'M' as const,
            },
          ]
        : []),
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
        goal: { ratioAtMost: 1.1 },
      },
      {
        metric: `peak RSS of a launch process, of the function's ${memoryMb} MB (MB)`,
        launcher: l.peakRssMb as number,
        versus: memoryMb,
        format: 'ms',
        goal: { atMost: memoryMb },
      },
      {
        metric: 'warm launch p50 (ms)',
        launcher: warm.warmP50Ms,
        versus: warmRef.warmP50Ms,
        format: 'ms',
        goal: { ratioAtMost: 0.55 },
      },
      { metric: 'warm launch p95 (ms)', launcher: warm.warmP95Ms, versus: warmRef.warmP95Ms, format: 'ms' },
      {
        // The lock's warm cost: one more round trip (the conditional PutItem) before the run list is read.
        metric: 'warm launch p50, the lock: with it vs without (ms)',
        launcher: warmLocked.warmP50Ms,
        versus: warm.warmP50Ms,
        format: 'ms',
      },
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
        goal: { atMost: 2 },
      },
      {
        metric: 'sequential round trips, warm, a 5-minute schedule’s key after a day of its runs',
        launcher: scheduled,
        versus: undefined,
        format: 'int',
        goal: { atMost: 2 },
      },
      {
        metric: 'sequential round trips, cold',
        launcher: l.roundTrips as number,
        versus: r.roundTrips,
        format: 'int',
        goal: { atMost: 3 },
      },
      {
        metric: `batch of ${options.batch}: wall (ms)`,
        launcher: warm.batchWallMs,
        versus: warmRef.batchWallMs,
        format: 'int',
        goal: { ratioAtMost: 0.15 },
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
        goal: { atMost: 1 },
      },
      {
        metric: `standing refresh of ${standing.jobs} jobs: GetAuthorizationToken calls`,
        launcher: standing.tokenCalls,
        versus: undefined,
        format: 'int',
        goal: { atMost: 1 },
      },
      {
        metric: `standing refresh of ${standing.jobs} jobs: AWS calls per job, the token's aside`,
        launcher: standing.callsPerJob,
        versus: undefined,
        format: 'int',
        goal: { atMost: 3 },
      },
      {
        metric: `standing refresh of ${standing.jobs} jobs: wall (ms)`,
        launcher: standing.wallMs,
        versus: undefined,
        format: 'int',
      },
      {
        // Linear: the wall time per job of the whole refresh against a quarter's, at most 1.5 times.
        metric: `standing refresh: wall per job, ${standing.jobs} jobs vs ${standing.jobs / 4} (ms)`,
        launcher: standing.wallMs / standing.jobs,
        versus: standing.quarterWallMs / (standing.jobs / 4),
        format: 'ms',
        goal: { ratioAtMost: 1.5 },
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
      `glue-launcher bench: ${options.latency} ms per AWS call at the stand-in (DynamoDB too), node ${process.version} (${process.arch}), ${cpus().length} cores; ` +
        `bare ${bare} (medians of ${options.cold} rounds); warm: ${options.warm} launches in one process. ` +
        `"vs" is the reference flow, bundled with the launcher's options, unless the row names another. ` +
        `"middle half": the 25th to 75th percentile of the ratio taken round by round. ` +
        `${counted ? `Instructions: ${valgrind}, the median of three counts of each import, V8's random seed fixed; they decide the cold-start goals.` : 'Instructions: not counted (valgrind is not installed); the timed rows decide, met only when all of their middle half is.'} ` +
        `${'missing' in baseline ? `Baseline: ${baseline.missing}. ` : ''}` +
        `The compile-cache row is not what Lambda runs (docs/adr/0007).\n`,
    );
    console.log(table(rows));
    console.log(`\n${conclusion(rows)}`);
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      arch: process.arch,
      cores: cpus().length,
      options,
      valgrind: valgrind ?? null,
      bare: Object.fromEntries(cold.bareMs),
      cold: Object.fromEntries(cold.figures),
      instructions: counted ? Object.fromEntries(counted) : null,
      warm,
      warmLocked,
      warmReference: warmRef,
      standing,
      rows: rows.map((row) => ({ ...row, ...verdictOf(row) })),
    };
    writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('\nwritten: bench/results.json');
    return 0;
  } finally {
    if ('cleanup' in baseline) baseline.cleanup();
    for (const cache of caches) removeCompileCache(cache);
    await standIn.stop();
    await dynamo.stop();
  }
};

runTool(main, USAGE, (text) => {
  progress('');
  console.error(`bench failed: ${text}`);
});
