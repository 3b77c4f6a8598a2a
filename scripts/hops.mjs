// `node scripts/hops.mjs [event.json]`: the hop table of one warm scheduled launch (docs/architecture.md), from the
// event to the caller's result over the in-memory fakes: the files of src/ it passes through, the functions it
// runs, and the calls into exported functions (a call from one file into another, counted as V8 counts calls of
// functions other files import). Built with a source map, run under V8's precise coverage, mapped back to src/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SourceMapConsumer } from 'source-map';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist/hops/hops-driver.cjs');
await build({
  entryPoints: [join(ROOT, 'local/tools/hops-driver.ts')],
  outfile: OUT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  sourcemap: 'external',
  packages: 'external',
  logLevel: 'error',
});
const event = process.argv[2] ?? join(ROOT, 'events/scheduled-rule.json');
const coverage = JSON.parse(execFileSync(process.execPath, [OUT, event], { encoding: 'utf8' }));
const code = readFileSync(OUT, 'utf8');
const map = await new SourceMapConsumer(JSON.parse(readFileSync(`${OUT}.map`, 'utf8')));

// Offsets to lines and columns of the bundle, then to the original file.
const lineStarts = [0];
for (let at = 0; at < code.length; at += 1) if (code[at] === '\n') lineStarts.push(at + 1);
const positionOf = (offset) => {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low] };
};

const exported = new Map();
const isExported = (file, name) => {
  if (!exported.has(file)) exported.set(file, readFileSync(join(ROOT, file), 'utf8'));
  return new RegExp(`export (const|function|class|async function) ${name}\\b`).test(exported.get(file));
};

const files = new Map();
let functions = 0;
let intoExported = 0;
for (const script of coverage) {
  for (const fn of script.functions) {
    const [range] = fn.ranges;
    if (!range || range.count === 0) continue;
    const original = map.originalPositionFor(positionOf(range.startOffset));
    const file = original.source?.replace(/^(\.\.\/)+/, '');
    if (!file?.startsWith('src/')) continue;
    functions += 1;
    files.set(file, (files.get(file) ?? 0) + range.count);
    if (isExported(file, fn.functionName)) intoExported += range.count;
  }
}
const srcFiles = execFileSync('git', ['ls-files', 'src/*.ts', 'src/**/*.ts'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
console.log(`One warm launch of ${event.replace(`${ROOT}/`, '')}, over the fakes:`);
console.log(`  files of src/ passed through: ${files.size} of ${srcFiles.length}`);
console.log(`  functions run: ${functions}`);
console.log(`  calls into exported functions: ${intoExported}`);
for (const [file, calls] of [...files].sort()) console.log(`    ${file.padEnd(36)} ${calls} calls`);
