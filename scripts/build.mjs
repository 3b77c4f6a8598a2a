// Bundles the handler the way SAM's esbuild builder does (template.yaml's Metadata mirrors these options, and a
// test holds the two together), then the benchmark's bundles and the development tools.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { lambdaBundle, previousLambdaBundle } from './bundle-options.mjs';

const started = Date.now();
// Nothing stale survives a build: tests and tools find exactly what these options make.
await rm('dist', { recursive: true, force: true });
const result = await build({ ...lambdaBundle, outdir: 'dist' });
const single = { ...lambdaBundle, outExtension: undefined };
await build({ ...single, entryPoints: ['bench/reference.ts'], outfile: 'dist/bench/reference.cjs' });
await build({ ...single, entryPoints: ['bench/sdk-only.ts'], outfile: 'dist/bench/sdk-only.cjs' });
await build({ ...previousLambdaBundle, outfile: 'dist/bench/handler-esm.mjs' });
await mkdir('dist', { recursive: true });
await writeFile('dist/meta.json', JSON.stringify(result.metafile));

// Tools are not shipped: CommonJS, dependencies left in node_modules, so they build in milliseconds.
await build({
  entryPoints: {
    demo: 'scripts/demo.ts',
    invoke: 'scripts/invoke.ts',
    standin: 'scripts/standin.ts',
    bench: 'bench/run.ts',
    race: 'bench/race.ts',
  },
  outdir: 'dist/tools',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

if (!process.argv.includes('--quiet')) {
  const bytes = result.metafile.outputs['dist/handler.cjs'].bytes;
  console.log(`dist/handler.cjs: ${(bytes / 1024).toFixed(1)} KiB, tools in dist/tools, in ${Date.now() - started} ms`);
}
