import { readFileSync, statSync } from 'node:fs';
import { BUNDLE, invokeBundle } from '../../local/tools/bundle';
import { loadTemplate } from '../../local/tools/cloudformation';

const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_ENDPOINT_URL_GLUE: 'http://127.0.0.1:9',
  AWS_ENDPOINT_URL_CODEARTIFACT: 'http://127.0.0.1:9',
  CODEARTIFACT_DOMAIN: 'data-platform',
  CODEARTIFACT_REPOSITORY: 'private-pypi',
  GLUE_JOB_NAME: 'nightly-etl',
};

describe('the built bundle (dist/handler.mjs)', () => {
  it('is one minified ESM file with a source map', () => {
    const code = readFileSync(BUNDLE, 'utf8');
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).not.toMatch(/\brequire\("node:https"\)/);
    expect(code.length / code.split('\n').length).toBeGreaterThan(2000); // minified: long lines
    expect(code).toMatch(/\/\/# sourceMappingURL=handler\.mjs\.map\s*$/);
    expect(statSync(`${BUNDLE}.map`).size).toBeGreaterThan(0);
  });

  it('answers a bad event with InvalidRequest, in a fresh Node process', async () => {
    const { error, logs } = await invokeBundle({ jobName: 'nightly-etl', jobNmae: 'typo' }, ENV);
    expect(error).toEqual({ name: 'InvalidRequest', message: 'Invalid launch request: unknown field "jobNmae".' });
    expect(logs).toMatch(/"errorName":"InvalidRequest"/);
  });

  it('answers a bad configuration with ConfigError', async () => {
    const { error } = await invokeBundle({}, { ...ENV, TOKEN_DURATION_SECONDS: '0' });
    expect(error?.name).toBe('ConfigError');
  });
});

describe('the bundle matches template.yaml and leaves out what Lambda never uses', () => {
  it('esbuild options in scripts/build.mjs and the template’s BuildProperties agree', () => {
    type Fn = { Metadata: { BuildProperties: Record<string, unknown> } };
    const properties = (loadTemplate().Resources.GlueLauncherFunction as unknown as Fn).Metadata.BuildProperties;
    const script = readFileSync(`${__dirname}/../../scripts/build.mjs`, 'utf8');
    for (const external of properties.External as string[]) expect(script).toContain(`'${external}'`);
    expect(script).toMatch(new RegExp(`target: '${properties.Target}'`));
    expect(script).toMatch(/mainFields: \['module', 'main'\]/);
  });

  it('imports the unused credential providers lazily from outside, and holds no STS or SSO client', () => {
    const code = readFileSync(BUNDLE, 'utf8');
    expect(code).toMatch(/import\("@aws-sdk\/credential-provider-sso"\)/);
    expect(code).not.toMatch(/sso-oidc|AssumeRoleWithWebIdentity/);
    expect(code).not.toMatch(/from"node:child_process"/);
  });
});
