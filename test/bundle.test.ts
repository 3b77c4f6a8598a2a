import { readFileSync, statSync } from 'node:fs';
import { BUNDLE, invokeBundle } from '../local/invoke';

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
