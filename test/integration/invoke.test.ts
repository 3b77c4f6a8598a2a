import { execFile } from 'node:child_process';
import { join } from 'node:path';

// `npm run invoke`: the bundle in-process, as `sam local invoke` would run it.
jest.setTimeout(60_000);

const TOOL = join(__dirname, '../../dist/tools/invoke.cjs');
// Never real AWS from a test: endpoints on a closed local port, fake credentials.
const SAFE_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL_GLUE: 'http://127.0.0.1:9',
  AWS_ENDPOINT_URL_CODEARTIFACT: 'http://127.0.0.1:9',
};

const invoke = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [TOOL, ...args], { timeout: 50_000, env: SAFE_ENV }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('npm run invoke', () => {
  it('--local prints the logs, then the run id, and --wait the run’s end', async () => {
    const { code, stdout } = await invoke('events/step-functions-request.json', '--local', '--wait');
    expect(stdout).toMatch(/"message":"Job run started"/);
    expect(stdout).toMatch(/"jobRunId": "jr_[0-9a-f]{64}"/);
    expect(stdout).toMatch(/nightly-etl jr_[0-9a-f]{64}: SUCCEEDED/);
    expect(code).toBe(0);
  });

  it('takes the environment from template.yaml, so without one it says which variables are missing', async () => {
    const { code, stderr } = await invoke('events/empty.json');
    expect(stderr).toMatch(/^ConfigError: Invalid configuration: CODEARTIFACT_DOMAIN is not set/m);
    expect(code).toBe(1);
  });

  it('reads --env-file in SAM’s --env-vars format', async () => {
    const { code, stderr } = await invoke('events/empty.json', '--env-file', 'test/fixtures/env-vars.json');
    // The file sets a bad token duration: the function reads it and refuses it, before any AWS call.
    expect(stderr).toMatch(/^ConfigError: Invalid configuration: TOKEN_DURATION_SECONDS="60" is not valid/m);
    expect(code).toBe(1);
  });

  it('says what is wrong with its arguments', async () => {
    const { code, stderr } = await invoke('events/nope.json');
    expect(stderr).toMatch(/^no event file events\/nope\.json/);
    expect(stderr).toMatch(/usage: npm run invoke/);
    expect(code).toBe(2);
  });
});
