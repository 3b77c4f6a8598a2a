// The esbuild options of the Lambda bundle, as data: scripts/build.mjs builds with them, and a contract test holds
// template.yaml's BuildProperties (what `sam build` uses) to the same.

/**
 * The Lambda bundle's options (docs/adr/0007-commonjs-bundle-for-cold-start.md). CommonJS, because Node 24 loads
 * an ES module's `node:http` through an ESM facade that pulls in undici at import; a `.cjs` file is CommonJS
 * wherever it lies (this package is "type": "module"), and Lambda takes it as the handler's file.
 */
export const lambdaBundle = {
  // A handler per set of SDK clients a deployment uses, each with one SDK core; template.yaml's Handler picks one.
  // The S3 adapter and the lock are also bundles of their own, which a handler without them loads when it first
  // needs them (docs/adr/0015-a-handler-bundle-per-deployment.md). Built in one run, as SAM's builder does: into
  // dist/ under the entry points' common folder, src/, so dist/handler.cjs and dist/aws/requirements-store.cjs.
  entryPoints: [
    'src/handler.ts',
    'src/handler-s3.ts',
    'src/handler-lock.ts',
    'src/handler-s3-lock.ts',
    'src/handler-standing.ts',
    'src/aws/requirements-store.ts',
    'src/aws/lock.ts',
  ],
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // The SDK's ES module entry points tree-shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
  // Credential providers a Lambda function never reaches: it gets its role's credentials from environment
  // variables, the default chain's first link, and the chain imports the others lazily. Left out, they cost no
  // parsing at cold start; if one were ever reached, Lambda's runtime carries the SDK to resolve it from.
  external: [
    '@aws-sdk/credential-provider-http',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-web-identity',
    '@smithy/credential-provider-imds',
  ],
  minify: true,
  sourcemap: true,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * The options before docs/adr/0007-commonjs-bundle-for-cold-start.md, kept so that `npm run bench` measures the
 * change in the same run.
 */
/**
 * The handler bundle for a deployment: with S3 where it reads or writes requirements files, with DynamoDB where it
 * has the lock. template.yaml's Handler makes the same choice from its parameters (a test holds the two together).
 */
export const handlerBundle = ({ s3, lock }) => `handler${s3 ? '-s3' : ''}${lock ? '-lock' : ''}`;

export const previousLambdaBundle = {
  ...lambdaBundle,
  entryPoints: ['src/handler.ts'],
  outExtension: undefined,
  target: 'node20',
  format: 'esm',
  external: lambdaBundle.external.filter((name) => !/credential-provider-(http|imds)$/.test(name)),
};
