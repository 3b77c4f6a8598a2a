import { checkArguments, refusal } from '../../src/boundary/argument-policy';
import { GLUE_PARAMETERS, GLUE_PREFIXES, isGlueParameter } from '../../src/boundary/glue-parameters';
import type { LauncherError } from '../../src/errors';
import type { LaunchRequest } from '../../src/plan';

// The boundary: what a caller may set, under each ALLOWED_RUN_ARGUMENTS setting.

const SAFE = { mode: 'safe', maxWorkers: 10 } as const;
const ANY = { mode: 'any' } as const;
const list = (...keys: string[]) => ({ mode: 'list', keys: new Set(keys), maxWorkers: 10 }) as const;

const thrown = (run: () => void): LauncherError => {
  try {
    run();
  } catch (error) {
    return error as LauncherError;
  }
  throw new Error('expected a refusal');
};

describe('the argument policy', () => {
  it('safe refuses every parameter Glue documents as its own, in any case', () => {
    expect(GLUE_PARAMETERS.length).toBeGreaterThan(40);
    for (const key of GLUE_PARAMETERS) {
      expect(refusal(key, SAFE)).toMatch(/^ALLOWED_RUN_ARGUMENTS=safe lets a request set only the job's own arguments/);
      expect(refusal(key.toUpperCase(), SAFE)).toBeDefined();
      expect(refusal(key.toLowerCase(), SAFE)).toBeDefined();
    }
  });

  it('safe refuses the v2 holes: where a run writes its data and logs, Lake Formation, Glue’s internals', () => {
    for (const key of [
      '--TempDir',
      '--spark-event-logs-path',
      '--continuous-log-logGroup',
      '--enable-lakeformation-fine-grained-access',
      '--JOB_NAME',
      '--debug',
      '--mode',
    ]) {
      expect(refusal(key, SAFE)).toBeDefined();
    }
  });

  it('safe refuses every key of a Glue family, named or not yet', () => {
    for (const prefix of GLUE_PREFIXES) expect(isGlueParameter(`${prefix}something-new`)).toBe(true);
    expect(refusal('--enable-some-future-feature', SAFE)).toBeDefined();
  });

  it('safe refuses what every Glue script’s own argument parser reads: --continuation-option, --RedshiftTempDir, --SECURITY_CONFIGURATION', () => {
    for (const key of ['--continuation-option', '--RedshiftTempDir', '--SECURITY_CONFIGURATION']) {
      expect(refusal(key, SAFE)).toMatch(/Glue reads this one itself/);
    }
  });

  it('safe refuses an abbreviation of a Glue parameter, which argparse would read as the parameter', () => {
    expect(refusal('--Temp', SAFE)).toBe(
      "ALLOWED_RUN_ARGUMENTS=safe lets a request set only the job's own arguments, and a Glue script's argument parser would read it as --TempDir, which it abbreviates (docs/argument-policy.md); list it in ALLOWED_RUN_ARGUMENTS (template parameter AllowedRunArguments) to allow it on purpose",
    );
    for (const key of [
      '--scriptLoc',
      '--JOB',
      '--job',
      '--Redshift',
      '--SECURITY',
      '--enable',
      '--t',
      '--encryption',
    ]) {
      expect(refusal(key, SAFE)).toMatch(/would read it as --/);
    }
    expect(refusal('--Temp', list('--Temp'))).toBeUndefined();
  });

  it('safe allows the keys a job reads as its own parameters', () => {
    for (const key of [
      '--run-date',
      '--day',
      '--input_path',
      '--conf-file',
      '--scriptLocations',
      '--tempdirectory',
      '--moderate',
    ]) {
      expect(refusal(key, SAFE)).toBeUndefined();
    }
  });

  it('a list allows exactly its keys, a Glue parameter included when listed on purpose', () => {
    const policy = list('--run-date', '--conf');
    expect(refusal('--run-date', policy)).toBeUndefined();
    expect(refusal('--conf', policy)).toBeUndefined();
    expect(refusal('--Run-Date', policy)).toBe(
      'ALLOWED_RUN_ARGUMENTS=--run-date,--conf does not list it (add it to the template parameter AllowedRunArguments to allow it)',
    );
    expect(refusal('--enable-metrics', policy)).toBeDefined();
  });

  it('"*" allows any key', () => {
    for (const key of [...GLUE_PARAMETERS, '--anything']) expect(refusal(key, ANY)).toBeUndefined();
  });

  it('no policy lets a request set the launcher’s own --launch-* keys, in any case', () => {
    for (const policy of [SAFE, ANY, list('--launch-idempotency-key')]) {
      for (const key of ['--launch-idempotency-key', '--launch-request-digest', '--LAUNCH-token-expires-at']) {
        expect(refusal(key, policy)).toMatch(/set by the launcher alone/);
      }
    }
  });

  it('refuses the whole plan at the first refused key, naming the job, the key and the setting', () => {
    const error = thrown(() =>
      checkArguments(
        [
          { jobName: 'a', arguments: { '--run-date': 'x' } },
          { jobName: 'b', arguments: { '--extra-py-files': 's3://attacker/x.py' } },
        ],
        SAFE,
      ),
    );
    expect(error.name).toBe('ArgumentNotAllowed');
    expect(error.message).toMatch(
      /^Job b was not started: argument --extra-py-files is not allowed, because ALLOWED_RUN_ARGUMENTS=safe/,
    );
    expect(error.message).not.toContain('attacker'); // the value is not echoed
    expect(() => checkArguments([{ jobName: 'a' }, { jobName: 'b', arguments: {} }], SAFE)).not.toThrow();
  });
});

describe('run settings', () => {
  const request = (settings: Partial<LaunchRequest>): LaunchRequest => ({ jobName: 'etl', ...settings });

  it('safe and a list refuse securityConfiguration (the run’s encryption); "*" allows it', () => {
    for (const policy of [SAFE, list('--day')]) {
      expect(thrown(() => checkArguments([request({ securityConfiguration: 'other' })], policy)).message).toMatch(
        /^Job etl was not started: run setting securityConfiguration is not allowed, because ALLOWED_RUN_ARGUMENTS=.* refuses it: it chooses the run's encryption/,
      );
    }
    expect(() => checkArguments([request({ securityConfiguration: 'other' })], ANY)).not.toThrow();
  });

  it('numberOfWorkers up to MAX_WORKERS, unless "*"', () => {
    expect(() => checkArguments([request({ numberOfWorkers: 10 })], SAFE)).not.toThrow();
    expect(thrown(() => checkArguments([request({ numberOfWorkers: 11 })], SAFE)).message).toBe(
      'Job etl was not started: run setting numberOfWorkers is not allowed, because 11 is more than MAX_WORKERS=10 (raise the template parameter MaxWorkers to allow it); nothing was started.',
    );
    expect(() => checkArguments([request({ numberOfWorkers: 299 })], ANY)).not.toThrow();
  });

  it('timeout, workerType, executionClass and jobRunQueuingEnabled stay allowed', () => {
    const settings = { timeout: 30, workerType: 'G.2X', executionClass: 'FLEX', jobRunQueuingEnabled: true } as const;
    expect(() => checkArguments([request(settings)], SAFE)).not.toThrow();
  });
});
