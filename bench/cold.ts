/**
 * Cold starts: fresh Node processes, in rounds. Each round runs, for each Node binary, a bare `node -e 0`, then
 * each bundle's import alone and its import plus first launch, in alternating order, so that the machine's noise
 * falls on all alike. An import's cost is its process minus the same round's bare process of the same binary.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StandIn } from '../local/standin/server';
import { LAMBDA_CONTEXT, LAMBDA_ENV, nextScheduledEvent } from '../local/tools/fixtures';
import { roundTrips } from './round-trips';
import { median } from './stats';

/** One bundle on one Node binary. `launch`: also measure its first launch (against the stand-in). */
export interface ColdTarget {
  readonly name: string;
  readonly bundle: string;
  readonly node: string;
  readonly launch: boolean;
  /** A V8 compile cache directory this binary filled for this bundle beforehand (NODE_COMPILE_CACHE). */
  readonly compileCache?: string;
  /** Variables of this target's own, over the shared ones (e.g. a token delivery). */
  readonly env?: Record<string, string>;
}

export interface ColdFigures {
  readonly importOverBareMs: number;
  /** Each round's import over that round's bare process, in round order (rows pair them across targets). */
  readonly importOverBareSamples: readonly number[];
  readonly importInProcessMs?: number;
  readonly firstLaunchMs?: number;
  readonly peakRssMb?: number;
  readonly roundTrips?: number;
}

/** How a Lambda runtime loads a handler file: `require` for CommonJS, `import()` for an ES module. */
const load = (bundle: string) =>
  bundle.endsWith('.mjs')
    ? `await import(${JSON.stringify(`file://${bundle}`)})`
    : `require(${JSON.stringify(bundle)})`;

// The bundle loaded, its first launch run, the times and the peak RSS reported.
const firstLaunch = (bundle: string) => `(async () => {
const t0 = performance.now();
const { handler } = ${load(bundle)};
const t1 = performance.now();
const context = { ...${JSON.stringify(LAMBDA_CONTEXT)}, awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 60000 };
let error;
try { await handler(JSON.parse(process.argv[1]), context); } catch (e) { error = e.name + ': ' + e.message; }
const t2 = performance.now();
process.stdout.write('\\n' + JSON.stringify({ importMs: t1 - t0, launchMs: t2 - t1, rssKb: process.resourceUsage().maxRSS, error }) + '\\n');
process.exit(0);
})();`;

const importOnly = (bundle: string) => `(async () => { ${load(bundle)}; })();`;

const run = (node: string, args: string[], env: Record<string, string>): Promise<{ ms: number; stdout: string }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(node, args, { env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, ...env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ ms: performance.now() - started, stdout });
    });
  });

const targetEnv = (target: ColdTarget): Record<string, string> => ({
  ...target.env,
  ...(target.compileCache ? { NODE_COMPILE_CACHE: target.compileCache, NODE_COMPILE_CACHE_PORTABLE: '1' } : {}),
});

/** A compile cache of `bundle` made by `node`, in a fresh directory (remove it when done). */
export const fillCompileCache = async (node: string, bundle: string, env: Record<string, string>): Promise<string> => {
  const directory = mkdtempSync(join(tmpdir(), 'glue-launcher-compile-cache-'));
  await run(node, ['-e', importOnly(bundle)], {
    ...env,
    NODE_COMPILE_CACHE: directory,
    NODE_COMPILE_CACHE_PORTABLE: '1',
  });
  return directory;
};

export const removeCompileCache = (directory: string) => rmSync(directory, { recursive: true, force: true });

export const coldStarts = async (
  targets: readonly ColdTarget[],
  rounds: number,
  standIn: StandIn,
  env: Record<string, string>,
  progress: (text: string) => void,
): Promise<{ figures: Map<string, ColdFigures>; bareMs: Map<string, number> }> => {
  const nodes = [...new Set(targets.map((t) => t.node))];
  const bare = new Map(nodes.map((node) => [node, [] as number[]]));
  const overBare = new Map(targets.map((t) => [t.name, [] as number[]]));
  const launches = new Map(
    targets.map((t) => [t.name, [] as Array<{ importMs: number; launchMs: number; rssKb: number }>]),
  );
  const trips = new Map<string, number>();
  for (let round = 0; round < rounds; round += 1) {
    progress(`cold starts: round ${round + 1}/${rounds}`);
    const bareNow = new Map<string, number>();
    for (const node of nodes) {
      const { ms } = await run(node, ['-e', '0'], {});
      bareNow.set(node, ms);
      bare.get(node)?.push(ms);
    }
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      const { ms } = await run(target.node, ['-e', importOnly(target.bundle)], { ...env, ...targetEnv(target) });
      overBare.get(target.name)?.push(ms - (bareNow.get(target.node) as number));
      if (!target.launch) continue;
      const before = standIn.calls.length;
      const event = JSON.stringify(nextScheduledEvent(standIn));
      const { stdout } = await run(target.node, ['-e', firstLaunch(target.bundle), event], {
        ...env,
        ...targetEnv(target),
      });
      const report = JSON.parse(stdout.trim().split('\n').at(-1) as string);
      if (report.error) throw new Error(`${target.name} failed its first launch: ${report.error}`);
      launches.get(target.name)?.push(report);
      if (!trips.has(target.name)) trips.set(target.name, roundTrips(standIn.calls.slice(before)));
    }
  }
  const figures = new Map<string, ColdFigures>();
  for (const target of targets) {
    const samples = launches.get(target.name) ?? [];
    figures.set(target.name, {
      importOverBareMs: median(overBare.get(target.name) ?? []),
      importOverBareSamples: overBare.get(target.name) ?? [],
      ...(samples.length === 0
        ? {}
        : {
            importInProcessMs: median(samples.map((s) => s.importMs)),
            firstLaunchMs: median(samples.map((s) => s.launchMs)),
            peakRssMb: median(samples.map((s) => s.rssKb)) / 1024,
            roundTrips: trips.get(target.name),
          }),
    });
  }
  return { figures, bareMs: new Map([...bare].map(([node, values]) => [node, median(values)])) };
};
