import { isAllowed } from '../../src/boundary/allowlist';
import { LauncherError } from '../../src/errors';
import { loadConfig, loadConfigState } from '../../src/input/config';

const VALID = {
  AWS_REGION: 'eu-west-1',
  CODEARTIFACT_DOMAIN: 'data-platform',
  CODEARTIFACT_REPOSITORY: 'private-pypi',
  GLUE_JOB_NAME: 'nightly-etl',
};

const configError = (env: Record<string, string>): LauncherError => {
  const state = loadConfigState(env);
  if (state.ok) throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
  expect(state.error).toBeInstanceOf(LauncherError);
  expect(state.error.name).toBe('ConfigError');
  return state.error;
};

describe('configuration', () => {
  it('applies the documented defaults (docs/configuration.md)', () => {
    expect(loadConfig(VALID)).toEqual({
      domain: 'data-platform',
      domainOwner: undefined,
      repository: 'private-pypi',
      defaultJobName: 'nightly-etl',
      allowlist: { any: false, names: new Set(['nightly-etl']), prefixes: [] },
      argumentPolicy: { mode: 'safe', maxDpu: 10 },
      pipIndexOption: 'index-url',
      delivery: { mode: 'arguments' },
      tokenDuration: 'auto',
      maxParallelStarts: 5,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...VALID,
      CODEARTIFACT_DOMAIN_OWNER: '111122223333',
      ALLOWED_JOB_NAMES: 'nightly-etl, hourly-etl',
      PIP_INDEX_OPTION: 'extra-index-url',
      TOKEN_DURATION_SECONDS: '3600',
      MAX_PARALLEL_STARTS: '10',
    });
    expect(config.domainOwner).toBe('111122223333');
    expect(config.allowlist).toEqual({ any: false, names: new Set(['nightly-etl', 'hourly-etl']), prefixes: [] });
    expect(config.pipIndexOption).toBe('extra-index-url');
    expect(config.tokenDuration).toBe(3600);
    expect(config.maxParallelStarts).toBe(10);
  });

  it('reads the argument policy: "safe", "*", or a list of keys (a protected key may be listed on purpose)', () => {
    expect(loadConfig({ ...VALID, ALLOWED_RUN_ARGUMENTS: 'safe' }).argumentPolicy).toEqual({
      mode: 'safe',
      maxDpu: 10,
    });
    expect(loadConfig({ ...VALID, MAX_DPU: '40' }).argumentPolicy).toEqual({ mode: 'safe', maxDpu: 40 });
    expect(loadConfig({ ...VALID, ALLOWED_RUN_ARGUMENTS: '*' }).argumentPolicy).toEqual({ mode: 'any' });
    expect(loadConfig({ ...VALID, ALLOWED_RUN_ARGUMENTS: '--day, --conf' }).argumentPolicy).toEqual({
      mode: 'list',
      keys: new Set(['--day', '--conf']),
      maxDpu: 10,
    });
  });

  it('REQUIREMENTS_PREFIX is segments that need no encoding, none "." or ".."; MAX_DPU is 1 to 4784', () => {
    for (const prefix of ['./', '../', 'a/../', 'a//', 'a b/', "it's/", 'a%2F/', 'no-slash']) {
      expect(
        configError({ ...VALID, TOKEN_DELIVERY: 'auto', REQUIREMENTS_BUCKET: 'b-1', REQUIREMENTS_PREFIX: prefix })
          .message,
      ).toMatch(/REQUIREMENTS_PREFIX=.* \(set by the template\) is not valid/);
    }
    for (const dpu of ['0', '4785', 'ten']) {
      expect(configError({ ...VALID, MAX_DPU: dpu }).message).toMatch(
        /MAX_DPU=.* \(template parameter MaxDpu\) is not valid; expected a whole number from 1 to 4784/,
      );
    }
  });

  it('MAX_WORKERS, 0.3’s cap on the count alone, is a ConfigError saying to set MAX_DPU, not read as if it meant the same', () => {
    expect(configError({ ...VALID, MAX_WORKERS: '20' }).message).toBe(
      'Invalid configuration: MAX_WORKERS="20" is no longer read: set MAX_DPU (template parameter MaxDpu) instead, the most DPUs a request may ask for (worker size times count: MAX_WORKERS=10 of G.1X workers is MAX_DPU=10).',
    );
  });

  it('reads the token delivery, and where requirements files go', () => {
    const file = loadConfig({ ...VALID, TOKEN_DELIVERY: 'requirements-file', REQUIREMENTS_BUCKET: 'launcher-reqs' });
    expect(file.delivery).toEqual({
      mode: 'requirements-file',
      location: { bucket: 'launcher-reqs', prefix: 'glue-launcher/' },
    });
    const auto = loadConfig({
      ...VALID,
      TOKEN_DELIVERY: 'auto',
      REQUIREMENTS_BUCKET: 'b-1',
      REQUIREMENTS_PREFIX: 'a/b/',
    });
    expect(auto.delivery).toEqual({ mode: 'auto', location: { bucket: 'b-1', prefix: 'a/b/' } });
    // A bucket without a delivery that uses it changes nothing: arguments delivery loads no S3 client.
    expect(loadConfig({ ...VALID, REQUIREMENTS_BUCKET: 'b-1' }).delivery).toEqual({ mode: 'arguments' });
  });

  it('a delivery that writes files without a bucket is a ConfigError, named with every other problem', () => {
    const { message } = configError({ ...VALID, TOKEN_DELIVERY: 'auto', MAX_PARALLEL_STARTS: '0' });
    expect(message).toMatch(/TOKEN_DELIVERY=auto writes requirements files, but REQUIREMENTS_BUCKET is not set/);
    expect(message).toMatch(/MAX_PARALLEL_STARTS="0" \(template parameter MaxParallelStarts\) is not valid/);
  });

  it('takes "*" as any job, and empty strings (blank SAM parameters) as unset', () => {
    const config = loadConfig({
      ...VALID,
      ALLOWED_JOB_NAMES: '*',
      CODEARTIFACT_DOMAIN_OWNER: '',
      PIP_INDEX_OPTION: '',
    });
    expect(config.allowlist).toEqual({ any: true });
    expect(config.domainOwner).toBeUndefined();
    expect(config.pipIndexOption).toBe('index-url');
  });

  it.each([
    [
      'TOKEN_DURATION_SECONDS',
      '0',
      /TOKEN_DURATION_SECONDS="0" \(template parameter TokenDurationSeconds\) is not valid; expected "auto" or a whole number of seconds from 900 to 43200/,
    ],
    ['TOKEN_DURATION_SECONDS', '899', /TOKEN_DURATION_SECONDS="899"/],
    ['TOKEN_DURATION_SECONDS', '43201', /TOKEN_DURATION_SECONDS="43201"/],
    ['TOKEN_DURATION_SECONDS', '1h', /TOKEN_DURATION_SECONDS="1h"/],
    [
      'CODEARTIFACT_DOMAIN_OWNER',
      '12345',
      /CODEARTIFACT_DOMAIN_OWNER="12345" \(template parameter CodeArtifactDomainOwner\) is not valid; expected a 12-digit AWS account id/,
    ],
    [
      'PIP_INDEX_OPTION',
      'find-links',
      /PIP_INDEX_OPTION="find-links" \(template parameter PipIndexOption\) is not valid; expected "index-url" or "extra-index-url"/,
    ],
    [
      'MAX_PARALLEL_STARTS',
      '0',
      /MAX_PARALLEL_STARTS="0" \(template parameter MaxParallelStarts\) is not valid; expected a whole number from 1 to 20/,
    ],
    [
      'CODEARTIFACT_DOMAIN',
      'Data_Platform',
      /CODEARTIFACT_DOMAIN="Data_Platform" \(template parameter CodeArtifactDomain\) is not valid/,
    ],
    ['ALLOWED_JOB_NAMES', 'a,,b', /ALLOWED_JOB_NAMES="a,,b" \(template parameter AllowedJobNames\) is not valid/],
    [
      'ALLOWED_RUN_ARGUMENTS',
      '--launch-idempotency-key',
      /ALLOWED_RUN_ARGUMENTS="--launch-idempotency-key" \(template parameter AllowedRunArguments\) is not valid; expected "safe", "\*", or a comma-separated list of argument keys \("--" and then letters, digits, "_", "." and "-"; never "--launch-\*"\)/,
    ],
    [
      'ALLOWED_RUN_ARGUMENTS',
      'enable-metrics',
      /ALLOWED_RUN_ARGUMENTS="enable-metrics" \(template parameter AllowedRunArguments\) is not valid/,
    ],
    [
      'ALLOWED_RUN_ARGUMENTS',
      '--a,,--b',
      /ALLOWED_RUN_ARGUMENTS="--a,,--b" \(template parameter AllowedRunArguments\) is not valid/,
    ],
    [
      'ALLOWED_RUN_ARGUMENTS',
      'SAFE',
      /ALLOWED_RUN_ARGUMENTS="SAFE" \(template parameter AllowedRunArguments\) is not valid/,
    ],
    [
      'TOKEN_DELIVERY',
      'file',
      /TOKEN_DELIVERY="file" \(template parameter TokenDelivery\) is not valid; expected "arguments", "requirements-file" or "auto"/,
    ],
    [
      'REQUIREMENTS_BUCKET',
      'My_Bucket',
      /REQUIREMENTS_BUCKET="My_Bucket" \(set by the template\) is not valid; expected an S3 bucket name/,
    ],
    [
      'REQUIREMENTS_BUCKET',
      'dotted.bucket',
      /REQUIREMENTS_BUCKET="dotted.bucket" \(set by the template\) is not valid/,
    ],
    ['REQUIREMENTS_PREFIX', '/leading/', /REQUIREMENTS_PREFIX="\/leading\/" \(set by the template\) is not valid/],
    ['REQUIREMENTS_PREFIX', 'no-slash', /REQUIREMENTS_PREFIX="no-slash" \(set by the template\) is not valid/],
  ])('%s=%s is a ConfigError naming the variable, the value and what is accepted', (name, value, message) => {
    expect(configError({ ...VALID, [name]: value }).message).toMatch(message);
  });

  it('names every missing required variable at once', () => {
    const { message } = configError({ GLUE_JOB_NAME: 'x' });
    expect(message).toMatch(
      /CODEARTIFACT_DOMAIN \(template parameter CodeArtifactDomain\) is not set; expected a CodeArtifact domain name/,
    );
    expect(message).toMatch(/CODEARTIFACT_REPOSITORY \(template parameter CodeArtifactRepository\) is not set/);
  });

  it('needs a job name or an allowlist', () => {
    const { GLUE_JOB_NAME: _, ...withoutJob } = VALID;
    expect(configError(withoutJob).message).toMatch(
      /neither GLUE_JOB_NAME \(template parameter GlueJobName\) nor ALLOWED_JOB_NAMES \(template parameter AllowedJobNames\) is set/,
    );
  });

  it('refuses a default job that the allowlist forbids, and "*" mixed with names', () => {
    expect(configError({ ...VALID, ALLOWED_JOB_NAMES: 'other' }).message).toMatch(
      /GLUE_JOB_NAME="nightly-etl" is not in ALLOWED_JOB_NAMES \(template parameter AllowedJobNames\)/,
    );
    expect(configError({ ...VALID, ALLOWED_JOB_NAMES: '*,nightly-etl' }).message).toMatch(/mixes "\*"/);
  });

  it('reads an entry that ends with "*" as a prefix, as IAM reads the job ARN the template builds from it', () => {
    const config = loadConfig({ ...VALID, ALLOWED_JOB_NAMES: 'nightly-*,report' });
    expect(config.allowlist).toEqual({ any: false, names: new Set(['report']), prefixes: ['nightly-'] });
    expect(isAllowed(config.allowlist, 'nightly-etl')).toBe(true);
    expect(isAllowed(config.allowlist, 'nightly-')).toBe(true);
    expect(isAllowed(config.allowlist, 'report')).toBe(true);
    expect(isAllowed(config.allowlist, 'reports')).toBe(false);
    expect(isAllowed(config.allowlist, 'hourly-etl')).toBe(false);
    // A "*" elsewhere is part of a name, matched exactly.
    const exact = loadConfig({ ...VALID, ALLOWED_JOB_NAMES: 'a*b,nightly-etl' });
    expect(isAllowed(exact.allowlist, 'a*b')).toBe(true);
    expect(isAllowed(exact.allowlist, 'axb')).toBe(false);
    // The default job may be allowed by a prefix.
    expect(configError({ ...VALID, ALLOWED_JOB_NAMES: 'hourly-*' }).message).toMatch(
      /GLUE_JOB_NAME="nightly-etl" is not in/,
    );
  });
});

describe('the region', () => {
  it('is a ConfigError with the fix when AWS_REGION is not set, named with every other problem', () => {
    const { AWS_REGION: _, ...withoutRegion } = VALID;
    expect(configError(withoutRegion).message).toBe(
      'Invalid configuration: AWS_REGION is not set, so no AWS call can be made; Lambda sets it itself, elsewhere set it to the region of your Glue jobs (export AWS_REGION=eu-west-1).',
    );
    expect(configError({ ...withoutRegion, MAX_PARALLEL_STARTS: '0' }).message).toMatch(
      /MAX_PARALLEL_STARTS="0" .*; AWS_REGION is not set/,
    );
  });
});

describe('every problem at once', () => {
  it('reports a bad value and a missing allowlist in the same message', () => {
    const { message } = configError({ CODEARTIFACT_DOMAIN: 'Bad_Domain', CODEARTIFACT_REPOSITORY: 'private-pypi' });
    expect(message).toMatch(/CODEARTIFACT_DOMAIN="Bad_Domain" \(template parameter CodeArtifactDomain\) is not valid/);
    expect(message).toMatch(
      /neither GLUE_JOB_NAME \(template parameter GlueJobName\) nor ALLOWED_JOB_NAMES \(template parameter AllowedJobNames\) is set/,
    );
  });

  it('reports a default job off the allowlist beside a bad number', () => {
    const { message } = configError({ ...VALID, ALLOWED_JOB_NAMES: 'other', MAX_PARALLEL_STARTS: '99' });
    expect(message).toMatch(/MAX_PARALLEL_STARTS="99" \(template parameter MaxParallelStarts\) is not valid/);
    expect(message).toMatch(
      /GLUE_JOB_NAME="nightly-etl" is not in ALLOWED_JOB_NAMES \(template parameter AllowedJobNames\)/,
    );
  });
});
