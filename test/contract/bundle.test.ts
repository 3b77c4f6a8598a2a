import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE, invokeBundle } from '../../local/tools/bundle';
import {
  launcherBuildProperties,
  launcherFunction,
  loadTemplate,
  resolveValue,
} from '../../local/tools/cloudformation';
import { SAFE_ENV } from '../../local/tools/fixtures';
import { handlerBundle, lambdaBundle } from '../../scripts/bundle-options.mjs';

const FIELDS =
  'jobName, arguments, timeout, workerType, numberOfWorkers, executionClass, securityConfiguration, jobRunQueuingEnabled, idempotencyKey';

const ENV = {
  ...SAFE_ENV,
  CODEARTIFACT_DOMAIN: 'data-platform',
  CODEARTIFACT_REPOSITORY: 'private-pypi',
  GLUE_JOB_NAME: 'nightly-etl',
};

describe('the built bundle (dist/handler.cjs)', () => {
  it('is one minified CommonJS file that exports the handler, with a source map', () => {
    const code = readFileSync(BUNDLE, 'utf8');
    const shape = {
      exportsHandler: code.includes('module.exports={handler}'),
      staticImports: /^import |;import[{ ]/m.test(code),
      minified: code.length / code.split('\n').length > 2000, // long lines
      sourceMapped: /\/\/# sourceMappingURL=handler\.cjs\.map\s*$/.test(code),
    };
    expect(shape).toEqual({ exportsHandler: true, staticImports: false, minified: true, sourceMapped: true });
    expect(statSync(`${BUNDLE}.map`).size).toBeGreaterThan(0);
  });

  it('answers a bad event with InvalidRequest, in a fresh Node process', async () => {
    const { error, logs } = await invokeBundle({ jobName: 'nightly-etl', jobNmae: 'typo' }, ENV);
    expect(error).toEqual({
      name: 'InvalidRequest',
      message: `Invalid launch request: unknown field "jobNmae" (did you mean "jobName"?); the fields read here are ${FIELDS}.`,
      trace: expect.arrayContaining([
        expect.stringMatching(/^InvalidRequest: Invalid launch request: unknown field "jobNmae"/),
      ]),
    });
    expect(logs).toMatch(/"errorName":"InvalidRequest"/);
  });

  it('answers a bad configuration with ConfigError', async () => {
    const { error } = await invokeBundle({}, { ...ENV, TOKEN_DURATION_SECONDS: '0' });
    expect(error?.name).toBe('ConfigError');
  });
});

describe('each bundle holds the service clients it uses, and no other (dist/meta.json)', () => {
  const meta = JSON.parse(readFileSync(join(__dirname, '../../dist/meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  /** The SDK service clients whose code is in a bundle: `@aws-sdk/client-<service>`. */
  const clientsIn = (output: string) =>
    [
      ...new Set(
        Object.keys(meta.outputs[output]?.inputs ?? {}).flatMap(
          (input) => /node_modules\/@aws-sdk\/(client-[\w-]+)\//.exec(input)?.[1] ?? [],
        ),
      ),
    ].sort();

  it.each([
    ['dist/handler.cjs', ['client-codeartifact', 'client-glue']],
    // docs/adr/0015-a-handler-bundle-per-deployment.md: each handler holds the clients its deployment uses.
    ['dist/handler-s3.cjs', ['client-codeartifact', 'client-glue', 'client-s3']],
    ['dist/handler-lock.cjs', ['client-codeartifact', 'client-dynamodb', 'client-glue']],
    ['dist/handler-s3-lock.cjs', ['client-codeartifact', 'client-dynamodb', 'client-glue', 'client-s3']],
    // docs/adr/0011-requirements-file-delivery.md: the S3 bundle is loaded beside the handler's, so it must not
    // carry (and construct) the handler's clients a second time.
    ['dist/aws/requirements-store.cjs', ['client-s3']],
    ['dist/aws/lock.cjs', ['client-dynamodb']],
  ])('%s holds %j', (output, clients) => {
    expect(clientsIn(output)).toEqual(clients);
  });
});

describe('npm run build beside tests that load the bundle', () => {
  // `npm run invoke` and `npm start` build before they run, while other test files load dist/: a build that emptied
  // dist/ first made those fail with "dist/handler.cjs is missing".
  it('never leaves the bundle missing while it builds, and removes what it did not make', async () => {
    const root = join(__dirname, '../..');
    const stale = join(root, 'dist/stale.cjs');
    writeFileSync(stale, '');
    const building = spawn(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'ignore' });
    const done = new Promise<number | null>((resolve) => building.on('exit', resolve));
    let missing = 0;
    let looks = 0;
    for (let running = true; running; ) {
      if (!existsSync(BUNDLE) || statSync(BUNDLE).size === 0) missing += 1;
      looks += 1;
      running = (await Promise.race([done.then(() => false), new Promise((r) => setTimeout(r, 1, true))])) as boolean;
    }
    expect(await done).toBe(0);
    expect({ missing, looked: looks > 50 }).toEqual({ missing: 0, looked: true });
    expect(existsSync(stale)).toBe(false);
  }, 60_000);
});

describe('sam build and npm run build make the same bundle', () => {
  // SAM's esbuild builder takes BuildProperties (aws-lambda-builders' esbuild workflow): names and forms below.
  const properties = launcherBuildProperties();

  it('the template’s BuildProperties are scripts/bundle-options.mjs, option for option', () => {
    expect(properties).toEqual({
      EntryPoints: lambdaBundle.entryPoints,
      Format: lambdaBundle.format,
      OutExtension: Object.entries(lambdaBundle.outExtension).map(([from, to]) => `${from}=${to}`),
      Target: lambdaBundle.target,
      Minify: lambdaBundle.minify,
      Sourcemap: lambdaBundle.sourcemap,
      MainFields: lambdaBundle.mainFields.join(','),
      External: lambdaBundle.external,
    });
    // The standing refresher is built by the same run, with the same options.
    const refresher = (
      loadTemplate().Resources.StandingRefresherFunction as { Metadata?: { BuildProperties?: unknown } }
    ).Metadata?.BuildProperties;
    expect(refresher).toEqual(properties);
    expect(Object.keys(lambdaBundle).sort()).toEqual(
      [
        'bundle',
        'entryPoints',
        'external',
        'outExtension',
        'format',
        'legalComments',
        'logLevel',
        'mainFields',
        'metafile',
        'minify',
        'platform',
        'sourcemap',
        'target',
      ].sort(),
    );
  });

  it.each([
    [{}, { s3: false, lock: false }],
    [{ TokenDelivery: 'requirements-file' }, { s3: true, lock: false }],
    [{ TokenDelivery: 'auto' }, { s3: true, lock: false }],
    // Jobs' own files are read only in a file delivery: in arguments delivery such a job is refused unread.
    [{ JobRequirementsBuckets: 'team-requirements' }, { s3: false, lock: false }],
    [
      { TokenDelivery: 'auto', JobRequirementsBuckets: 'team-requirements' },
      { s3: true, lock: false },
    ],
    // A launch of a standing job reads its standing file's metadata, and may rewrite it.
    [{ StandingJobNames: 'orders-etl' }, { s3: true, lock: false }],
    [{ IdempotencyTable: 'create' }, { s3: false, lock: true }],
    [
      { TokenDelivery: 'auto', IdempotencyTable: 'launches' },
      { s3: true, lock: true },
    ],
  ])(
    'with parameters %j the template deploys the handler bundle with %j, a file the build writes',
    (parameters, clients) => {
      const template = loadTemplate();
      const [file, exported] = String(resolveValue(template, parameters, launcherFunction(template).Handler)).split(
        '.',
      );
      expect(file).toBe(handlerBundle(clients));
      expect(lambdaBundle.entryPoints).toContain(`src/${file}.ts`);
      expect(existsSync(join(__dirname, `../../dist/${file}.cjs`))).toBe(true);
      expect(exported).toBe('handler');
    },
  );

  it('the runtime the template deploys is the Node the tests run on', () => {
    expect(launcherFunction().Runtime).toBe('nodejs24.x');
    expect(lambdaBundle.target).toBe('node24');
  });

  it('imports the unused credential providers lazily from outside, and holds no STS or SSO client', () => {
    const code = readFileSync(BUNDLE, 'utf8');
    const lazilyImported = lambdaBundle.external.filter((name) => code.includes(`import("${name}")`));
    expect(lazilyImported).toEqual(lambdaBundle.external);
    // Their code is not in the bundle: no STS or SSO client, no container-credentials client, no child processes.
    const inside = ['sso-oidc', 'AssumeRoleWithWebIdentity', '169.254.170.2', 'require("node:child_process")'];
    expect(inside.filter((text) => code.includes(text))).toEqual([]);
  });
});
