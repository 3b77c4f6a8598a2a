/**
 * Cold imports counted in instructions: the machine's steadiest measure of the same work the timed rows measure.
 * Each bundle's import runs three times under valgrind (a CPU simulator: it counts every instruction the process
 * executes, in every thread), as does a bare `node -e 0`; the figure is the difference of the medians. V8's random
 * seed is fixed, so that two runs with the same variables execute nearly the same instructions (measured here:
 * within about 0.6%; a minor garbage collection that V8 schedules once the young generation is 80% full adds about
 * 10 million when it lands inside the import, docs/performance.md); its hash seed is not fixed, since a non-default
 * one makes Node rehash its startup snapshot and inflates every figure alike. Where valgrind is not installed, the
 * rows say so and the timed rows decide.
 */
import { execFile, execFileSync } from 'node:child_process';
import { LAMBDA_ENV } from '../local/tools/fixtures';
import { mapWithLimit } from '../src/concurrency';
import { median } from './stats';

export const valgrindVersion = (): string | undefined => {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

const NODE_FLAGS = ['--random-seed=1'];

const instructions = (node: string, code: string, env: Record<string, string>): Promise<number> =>
  new Promise((resolve, reject) => {
    execFile(
      'valgrind',
      ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', node, ...NODE_FLAGS, '-e', code],
      { env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
        if (error || refs === undefined) reject(new Error(`valgrind failed: ${error?.message ?? stderr.slice(-500)}`));
        else resolve(Number(refs.replaceAll(',', '')));
      },
    );
  });

export interface CountTarget {
  readonly name: string;
  readonly bundle: string;
  readonly env?: Record<string, string>;
}

/**
 * How many times each import is counted, and how many counts run at once. Counts of one bundle differ by up to
 * 0.6% (work V8's worker threads do or do not get to before the process ends); the median of three is what a
 * verdict within that of its bound needs not to flip between runs.
 */
const COUNTS = 3;
const AT_ONCE = 2;

/** Millions of instructions each bundle's import executes beyond a bare process (medians of COUNTS), by name. */
export const importInstructions = async (
  node: string,
  targets: readonly CountTarget[],
  env: Record<string, string>,
  progress: (text: string) => void,
): Promise<Map<string, number>> => {
  const all = [{ name: 'bare node', code: '0', env }].concat(
    targets.map((t) => ({ name: t.name, code: `require(${JSON.stringify(t.bundle)})`, env: { ...env, ...t.env } })),
  );
  const runs = all.flatMap((target) => Array.from({ length: COUNTS }, () => target));
  let done = 0;
  const totals = await mapWithLimit(runs, AT_ONCE, async ({ name, code, env: variables }) => {
    const total = await instructions(node, code, variables);
    done += 1;
    progress(`instructions: ${done}/${runs.length} (${name})`);
    return total;
  });
  const medianOf = (index: number) => median(totals.slice(index * COUNTS, (index + 1) * COUNTS));
  const bare = medianOf(0);
  return new Map(targets.map((target, index) => [target.name, (medianOf(index + 1) - bare) / 1e6]));
};
