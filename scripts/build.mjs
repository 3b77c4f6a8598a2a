// Bundles the handler the way SAM's esbuild builder does (template.yaml's Metadata mirrors these options, and a
// test holds the two together), then the benchmark's bundles and the development tools.
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { lambdaBundle, previousLambdaBundle } from './bundle-options.mjs';

const started = Date.now();
const OUT = 'dist';
const OUT_PATH = resolve(OUT);

// `--if-stale` (npm start, npm run invoke, npm run standin): nothing to do when dist/ was built after the last change
// to anything it is built from. A test that runs those scripts then costs no second build of the same sources.
const INPUTS = ['src', 'local', 'scripts', 'bench', 'package.json', 'package-lock.json', 'tsconfig.json'];
const newestChange = async (path) => {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true, recursive: true });
  const times = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(e.parentPath, e.name))).mtimeMs),
  );
  return Math.max(info.mtimeMs, ...times);
};
if (process.argv.includes('--if-stale')) {
  const built = await stat(join(OUT_PATH, 'meta.json')).then(
    (info) => info.mtimeMs,
    () => Number.NEGATIVE_INFINITY,
  );
  const changed = Math.max(...(await Promise.all(INPUTS.map(newestChange))));
  if (built > changed) process.exit(0);
}

// Builds in memory; the files are written below, each replaced whole.
const inMemory = (options) => build({ ...options, write: false });

const single = { ...lambdaBundle, outExtension: undefined };
const handler = await inMemory({ ...lambdaBundle, outdir: OUT });
const builds = [
  handler,
  await inMemory({ ...single, entryPoints: ['bench/reference.ts'], outfile: `${OUT}/bench/reference.cjs` }),
  // The SDK clients alone, one bundle per handler bundle's set of clients (bench/sdk-only*.ts), and with the
  // frameworks the launcher is built on (bench/frameworks*.ts).
  ...(await Promise.all(
    [
      'sdk-only',
      'sdk-only-s3',
      'sdk-only-lock',
      'sdk-only-s3-lock',
      'frameworks',
      'frameworks-s3',
      'frameworks-lock',
      'frameworks-s3-lock',
    ].map((name) => inMemory({ ...single, entryPoints: [`bench/${name}.ts`], outfile: `${OUT}/bench/${name}.cjs` })),
  )),
  await inMemory({ ...previousLambdaBundle, outfile: `${OUT}/bench/handler-esm.mjs` }),
  // Tools are not shipped: CommonJS, dependencies left in node_modules, so they build in milliseconds.
  await inMemory({
    entryPoints: {
      demo: 'scripts/demo.ts',
      invoke: 'scripts/invoke.ts',
      standin: 'scripts/standin.ts',
      bench: 'bench/run.ts',
      race: 'bench/race.ts',
    },
    outdir: `${OUT}/tools`,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  }),
];

// Each file is written beside its place and renamed over it, so a process reading dist/ while another builds (a
// test running `npm run invoke` beside tests that load the bundle) sees the old file or the new one, never none
// and never half of one. Then nothing stale survives: files this build did not make are removed.
const written = new Set();
const replace = async (path, contents) => {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, contents);
  await rename(partial, path);
  written.add(path);
};
for (const result of builds) for (const file of result.outputFiles) await replace(file.path, file.contents);
await replace(join(OUT_PATH, 'meta.json'), JSON.stringify(handler.metafile));
const everyFile = async (dir) =>
  (await readdir(dir, { withFileTypes: true, recursive: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
for (const path of await everyFile(OUT_PATH)) if (!written.has(path) && !path.endsWith('.partial')) await rm(path);

if (!process.argv.includes('--quiet')) {
  const bytes = handler.metafile.outputs[`${OUT}/handler.cjs`].bytes;
  console.log(
    `${OUT}/handler.cjs: ${(bytes / 1024).toFixed(1)} KiB, tools in ${OUT}/tools, in ${Date.now() - started} ms`,
  );
}
