// Bundles the handler the way SAM's esbuild builder does (template.yaml's Metadata mirrors these options),
// then the development tools (the demo, the local stand-in's command) that run it.
import { mkdir, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const started = Date.now();
/** The Lambda bundle's options; the benchmark's reference flow is bundled with the same ones. */
const lambdaBundle = {
  bundle: true,
  platform: 'node',
  // Node 20 syntax: runs on this machine's Node 20 and on Lambda's Node 24.
  target: 'node20',
  format: 'esm',
  // The SDK's CommonJS entry points do `require("node:https")`, which an ESM bundle cannot do.
  mainFields: ['module', 'main'],
  // Credential providers a Lambda function never reaches: it gets its role's credentials from environment
  // variables, the default chain's first link. The chain imports these lazily, so leaving them out saves
  // ~100 KB and a third of the cold import. Container credentials (credential-provider-http, -imds) stay.
  external: [
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-web-identity',
  ],
  minify: true,
  sourcemap: true,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
};
const result = await build({ ...lambdaBundle, entryPoints: ['src/handler.ts'], outfile: 'dist/handler.mjs' });
await build({ ...lambdaBundle, entryPoints: ['bench/reference.ts'], outfile: 'dist/bench/reference.mjs' });
await mkdir('dist', { recursive: true });
await writeFile('dist/meta.json', JSON.stringify(result.metafile));

// Tools are not shipped: CommonJS, dependencies left in node_modules, so they build in milliseconds.
await build({
  entryPoints: {
    demo: 'scripts/demo.ts',
    invoke: 'scripts/invoke.ts',
    standin: 'scripts/standin.ts',
    bench: 'bench/run.ts',
  },
  outdir: 'dist/tools',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

if (!process.argv.includes('--quiet')) {
  const bytes = result.metafile.outputs['dist/handler.mjs'].bytes;
  console.log(`dist/handler.mjs: ${(bytes / 1024).toFixed(1)} KiB, tools in dist/tools, in ${Date.now() - started} ms`);
}
