/**
 * Cold imports counted in instructions: the machine's noise-free measure of the same work the timed rows measure.
 * Each bundle's import runs once under valgrind (a CPU simulator: it counts every instruction the process executes,
 * in every thread), as does a bare `node -e 0`; the figure is the difference. V8's random seed is fixed, so that two
 * runs with the same variables execute nearly the same instructions (measured here: within about 1%; a minor garbage
 * collection that V8 schedules once the young generation is 80% full adds about 10 million when it lands inside
 * the import, docs/performance.md); its hash seed is not fixed, since a non-default one
 * makes Node rehash its startup snapshot and inflates every figure alike. Where valgrind is not installed, the rows
 * say so and the timed rows decide.
 */
import { execFile, execFileSync } from 'node:child_process';
import { LAMBDA_ENV } from '../local/tools/fixtures';

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

/** Millions of instructions each bundle's import executes beyond a bare process, by target name. */
export const importInstructions = async (
  node: string,
  targets: readonly CountTarget[],
  env: Record<string, string>,
  progress: (text: string) => void,
): Promise<Map<string, number>> => {
  progress('instructions: bare node');
  const bare = await instructions(node, '0', env);
  const counts = new Map<string, number>();
  for (const [index, target] of targets.entries()) {
    progress(`instructions: ${target.name} (${index + 1}/${targets.length})`);
    const total = await instructions(node, `require(${JSON.stringify(target.bundle)})`, { ...env, ...target.env });
    counts.set(target.name, (total - bare) / 1e6);
  }
  return counts;
};
