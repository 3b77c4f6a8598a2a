// Bundles the handler the way SAM's esbuild builder does (template.yaml's Metadata mirrors these options).
import { mkdir, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const started = Date.now();
const result = await build({
  entryPoints: ['src/handler.ts'],
  outfile: 'dist/handler.mjs',
  bundle: true,
  platform: 'node',
  // Node 20 syntax: runs on this machine's Node 20 and on Lambda's Node 24.
  target: 'node20',
  format: 'esm',
  // The SDK's CommonJS entry points do `require("node:https")`, which an ESM bundle cannot do.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await mkdir('dist', { recursive: true });
await writeFile('dist/meta.json', JSON.stringify(result.metafile));
const bytes = result.metafile.outputs['dist/handler.mjs'].bytes;
console.log(`dist/handler.mjs: ${(bytes / 1024).toFixed(1)} KiB in ${Date.now() - started} ms`);
