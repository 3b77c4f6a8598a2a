/**
 * The launcher as it was before docs/adr/0007 (main at the commit below, its ES module build options), rebuilt from
 * git history into a temporary directory, so that `npm run bench` compares against it in the same run on the same
 * Node. Its dependencies resolve from this checkout's node_modules.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { previousLambdaBundle } from '../scripts/bundle-options.mjs';

export const BASELINE_COMMIT = 'd679bd8572ca2d2187b7212d06e56e05b5deac72';

/** The baseline bundle's path, or why it could not be built (a shallow clone has no such commit). */
export const buildBaseline = async (
  root: string,
): Promise<{ bundle: string; cleanup: () => void } | { missing: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'glue-launcher-baseline-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const archive = execFileSync('git', ['archive', BASELINE_COMMIT, 'src'], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    const bundle = join(dir, 'handler.mjs');
    await build({
      ...previousLambdaBundle,
      sourcemap: false,
      metafile: false,
      logLevel: 'error',
      nodePaths: [join(root, 'node_modules')],
      entryPoints: [join(dir, 'src/handler.ts')],
      outfile: bundle,
    });
    return { bundle, cleanup };
  } catch (error) {
    cleanup();
    return {
      missing: `${BASELINE_COMMIT.slice(0, 7)} could not be built (${(error as Error).message.split('\n')[0]})`,
    };
  }
};
