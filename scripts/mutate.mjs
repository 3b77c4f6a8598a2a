// `npm run mutate [-- --mutate <glob> ...]`: Stryker over the unit and component tests (stryker.config.mjs).
// Stryker's own --mutate takes one comma-separated list, and a second --mutate replaces the first: this joins them,
// so that `--mutate 'src/idempotency/**/*.ts' --mutate 'src/launch/start.ts'` mutates both. The JSON report goes to
// reports/mutation/mutation.json, the HTML beside it (docs/testing.md says how to read them).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const globs = [];
const rest = [];
for (let at = 0; at < args.length; at += 1) {
  const arg = args[at];
  if (arg === '--mutate' || arg === '-m') {
    const value = args[at + 1];
    if (value === undefined || value.startsWith('-')) {
      console.error(`npm run mutate: ${arg} needs a file or glob, as in --mutate 'src/launch/start.ts'.`);
      process.exit(2);
    }
    globs.push(value);
    at += 1;
  } else if (arg.startsWith('--mutate=')) {
    globs.push(arg.slice('--mutate='.length));
  } else {
    rest.push(arg);
  }
}
// The package exports no bin path: npm links it into node_modules/.bin, which every npm script has on its PATH.
const stryker = join(import.meta.dirname, '..', 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const mutate = globs.length > 0 ? ['--mutate', globs.flatMap((glob) => glob.split(',')).join(',')] : [];
const { status, error } = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...mutate, ...rest], {
  stdio: 'inherit',
});
if (error) throw error;
process.exit(status ?? 1);
