import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkArguments, checkRunSize, refusal, WORKER_DPU } from '../../src/boundary/argument-policy';
import { GLUE_PARAMETERS, GLUE_PREFIXES, isGlueParameter, ownKeyFor } from '../../src/boundary/glue-parameters';
import type { LauncherError } from '../../src/errors';
import type { LaunchRequest } from '../../src/plan';
import { REGISTERED_BY_GLUE_LIBS } from '../helpers/glue-libs';

// The boundary: what a caller may set, under each ALLOWED_RUN_ARGUMENTS setting.

const SAFE = { mode: 'safe', maxDpu: 10 } as const;
const ANY = { mode: 'any' } as const;
const list = (...keys: string[]) => ({ mode: 'list', keys: new Set(keys), maxDpu: 10 }) as const;

/** The parameters and families docs/argument-policy.md lists: the account the contract tests hold src/ to. */
const documented = (first: string): string[] => {
  const page = readFileSync(join(__dirname, '../../docs/argument-policy.md'), 'utf8');
  const line = page.split('\n').find((l) => l.startsWith(first)) ?? '';
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
};

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

  it('safe refuses each parameter docs/argument-policy.md lists by its own name, each family by its prefix', () => {
    const parameters = documented('`--additional-python-modules`');
    expect(parameters.length).toBeGreaterThan(40);
    for (const key of parameters) {
      expect([key, refusal(key, SAFE)]).toEqual([key, expect.stringContaining(`and Glue reads ${key} itself`)]);
    }
    for (const prefix of documented('`--additional-`,')) {
      const key = `${prefix}${prefix.endsWith('-') ? '' : '-'}not-yet-documented`;
      expect([key, refusal(key, SAFE)]).toEqual([key, expect.stringContaining(`and Glue reads ${prefix}* itself`)]);
    }
  });

  it('safe refuses every prefix of what getResolvedOptions registers (aws-glue-libs), which argparse up to Glue 5.0 reads as it', () => {
    for (const option of REGISTERED_BY_GLUE_LIBS) {
      for (let end = 3; end <= option.length; end += 1) {
        const key = option.slice(0, end);
        expect([key, refusal(key, SAFE)]).toEqual([key, expect.stringMatching(/^ALLOWED_RUN_ARGUMENTS=safe/)]);
      }
    }
    // A prefix of one option alone, in no family: named as the option argparse would read it as.
    for (const [key, option] of [
      ['--encr', '--encryption-type'],
      ['--enab', '--enable-data-lineage'],
      ['--JOB_I', '--JOB_ID'],
      ['--JOB_N', '--JOB_NAME'],
      ['--JOB_R', '--JOB_RUN_ID'],
      ['--Redshift', '--RedshiftTempDir'],
      ['--SECURITY', '--SECURITY_CONFIGURATION'],
      ['--contin', '--continuation-option'],
      ['--he', '--help'],
      ['--Temp', '--TempDir'],
    ]) {
      expect([key, refusal(key as string, SAFE)]).toEqual([
        key,
        expect.stringContaining(`would read it as ${option}, which it abbreviates`),
      ]);
    }
  });

  it('suggests the key with --my_ in place of its dashes and underscores', () => {
    expect(['--job-bookmark-option', '--__x', '---x', '--TempDir'].map(ownKeyFor)).toEqual([
      '--my_job-bookmark-option',
      '--my_x',
      '--my_x',
      '--my_TempDir',
    ]);
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

  it('what Glue reads is a name, a family or an abbreviation a script’s parser reads; a script’s own key is none', () => {
    expect([
      isGlueParameter('--TempDir'),
      isGlueParameter('--job-language'),
      isGlueParameter('--Temp'),
      isGlueParameter('--job_date'),
    ]).toEqual([true, true, true, false]);
  });

  it('safe refuses what every Glue script’s own argument parser reads: --continuation-option, --RedshiftTempDir, --SECURITY_CONFIGURATION', () => {
    for (const key of ['--continuation-option', '--RedshiftTempDir', '--SECURITY_CONFIGURATION']) {
      expect(refusal(key, SAFE)).toMatch(new RegExp(`Glue reads ${key} itself`));
    }
  });

  it('safe refuses an abbreviation of a Glue parameter, which argparse would read as the parameter', () => {
    expect(refusal('--Temp', SAFE)).toBe(
      "ALLOWED_RUN_ARGUMENTS=safe lets a request set only the job's own arguments, and a Glue script's argument parser (up to Glue 5.0) would read it as --TempDir, which it abbreviates (docs/argument-policy.md); name the job's own argument differently (--my_Temp would pass), or list the key in ALLOWED_RUN_ARGUMENTS (template parameter AllowedRunArguments) to allow it on purpose",
    );
    for (const key of [
      '--JOB',
      '--job',
      '--Redshift',
      '--SECURITY',
      '--enable',
      '--T',
      '--encryption',
      '--he',
      '--cont',
    ]) {
      expect(refusal(key, SAFE)).toMatch(/would read it as --|Glue reads --/);
    }
    expect(refusal('--Temp', list('--Temp'))).toBeUndefined();
  });

  it('safe allows the keys a job reads as its own parameters, prefixes of what no script’s parser registers among them', () => {
    for (const key of [
      '--run-date',
      '--day',
      '--input_path',
      '--conf-file',
      '--scriptLocations',
      '--tempdirectory',
      '--moderate',
      // v3 refused these, as abbreviations of --user-jars-first, --datalake-formats and the --job_ family: no Glue
      // script's parser registers those, so argparse reads them as the script's own.
      '--job_date',
      '--user',
      '--data',
      '--scriptLoc',
      '--t',
    ]) {
      expect([key, refusal(key, SAFE)]).toEqual([key, undefined]);
    }
  });

  it('every refusal under safe suggests a key that passes', () => {
    for (const key of [...GLUE_PARAMETERS, '--Temp', '--JOB', '--enable-x', '--job-date', '--Continuous-log-x']) {
      const suggested = ownKeyFor(key);
      expect([key, refusal(key, SAFE)]).toEqual([key, expect.stringContaining(`(${suggested} would pass)`)]);
      expect([suggested, refusal(suggested, SAFE)]).toEqual([suggested, undefined]);
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

  it('says which setting refuses a run setting, and what to change', () => {
    const refused = (settings: Partial<LaunchRequest>, policy: typeof SAFE | ReturnType<typeof list>) =>
      thrown(() => checkArguments([request(settings)], policy)).message;
    expect(refused({ securityConfiguration: 'other' }, list('--day', '--conf'))).toBe(
      `Job etl was not started: run setting securityConfiguration is not allowed, because ALLOWED_RUN_ARGUMENTS=--day,--conf refuses it: it chooses the run's encryption (set the template parameter AllowedRunArguments to "*" to allow it); nothing was started.`,
    );
    expect(refused({ jobRunQueuingEnabled: false }, SAFE)).toBe(
      `Job etl was not started: run setting jobRunQueuingEnabled is not allowed, because ALLOWED_RUN_ARGUMENTS=safe refuses it: it lifts the job's concurrency limit, which keeps a second start of one launch from running (set the template parameter AllowedRunArguments to "*" to allow it); nothing was started.`,
    );
    expect(refused({ workerType: 'G.64X', numberOfWorkers: 1 }, SAFE)).toBe(
      `Job etl was not started: run setting workerType is not allowed, because "G.64X" is not a worker type whose size the launcher knows (${Object.keys(WORKER_DPU).join(', ')}), so the run's DPUs could not be bounded by MAX_DPU; nothing was started.`,
    );
  });

  it('a job sized by MaxCapacity counts 1 DPU a worker; a size the request leaves unknown is not judged', () => {
    const maxCapacity = { workerType: undefined, numberOfWorkers: undefined };
    expect(thrown(() => checkRunSize(request({ numberOfWorkers: 20 }), SAFE, maxCapacity)).message).toMatch(
      /because 20 Standard or G\.1X workers are 20 DPUs, more than MAX_DPU=10/,
    );
    // A worker type on a job with no count of its own (MaxCapacity): no size to bound; Glue takes or refuses it.
    expect(() => checkRunSize(request({ workerType: 'G.2X' }), SAFE, maxCapacity)).not.toThrow();
    // A request that sets neither leaves the job as it is, however large.
    expect(() => checkRunSize(request({}), SAFE, { workerType: 'G.8X', numberOfWorkers: 50 })).not.toThrow();
  });

  it('safe and a list refuse securityConfiguration (the run’s encryption); "*" allows it', () => {
    for (const policy of [SAFE, list('--day')]) {
      expect(thrown(() => checkArguments([request({ securityConfiguration: 'other' })], policy)).message).toMatch(
        /^Job etl was not started: run setting securityConfiguration is not allowed, because ALLOWED_RUN_ARGUMENTS=.* refuses it: it chooses the run's encryption/,
      );
    }
    expect(() => checkArguments([request({ securityConfiguration: 'other' })], ANY)).not.toThrow();
  });

  it('a run’s DPUs, worker size times count, up to MAX_DPU, unless "*": 10 G.8X workers are 80 DPUs', () => {
    expect(() => checkArguments([request({ workerType: 'G.1X', numberOfWorkers: 10 })], SAFE)).not.toThrow();
    expect(() => checkArguments([request({ workerType: 'G.025X', numberOfWorkers: 40 })], SAFE)).not.toThrow();
    expect(thrown(() => checkArguments([request({ workerType: 'G.8X', numberOfWorkers: 10 })], SAFE)).message).toBe(
      'Job etl was not started: run setting numberOfWorkers is not allowed, because 10 G.8X workers are 80 DPUs, more than MAX_DPU=10 (raise the template parameter MaxDpu to allow it); nothing was started.',
    );
    expect(() => checkArguments([request({ workerType: 'G.8X', numberOfWorkers: 10 })], ANY)).not.toThrow();
    expect(Object.keys(WORKER_DPU)).toEqual(
      expect.arrayContaining([
        'G.1X',
        'G.2X',
        'G.4X',
        'G.8X',
        'G.12X',
        'G.16X',
        'G.025X',
        'R.1X',
        'R.2X',
        'R.4X',
        'R.8X',
      ]),
    );
  });

  it('the job’s own worker type or count counts where the request sets only the other (judged after GetJob)', () => {
    // Before GetJob, a count alone is not judged: a G.025X job may run 40 of them within 10 DPUs.
    expect(() => checkArguments([request({ numberOfWorkers: 40 })], SAFE)).not.toThrow();
    expect(() =>
      checkRunSize(request({ numberOfWorkers: 40 }), SAFE, { workerType: 'G.025X', numberOfWorkers: 2 }),
    ).not.toThrow();
    expect(
      thrown(() => checkRunSize(request({ numberOfWorkers: 4 }), SAFE, { workerType: 'G.4X', numberOfWorkers: 2 }))
        .message,
    ).toMatch(/run setting numberOfWorkers is not allowed, because 4 G\.4X workers are 16 DPUs, more than MAX_DPU=10/);
    expect(
      thrown(() => checkRunSize(request({ workerType: 'G.2X' }), SAFE, { workerType: 'G.1X', numberOfWorkers: 8 }))
        .message,
    ).toMatch(/run setting workerType is not allowed, because 8 G\.2X workers are 16 DPUs/);
    // A job sized by MaxCapacity has no worker type: 1 DPU a worker.
    expect(() =>
      checkRunSize(request({ numberOfWorkers: 10 }), SAFE, { workerType: undefined, numberOfWorkers: undefined }),
    ).not.toThrow();
  });

  it('a worker type whose size the launcher does not know is refused under safe and a list', () => {
    expect(thrown(() => checkArguments([request({ workerType: 'G.64X' })], list())).message).toMatch(
      /run setting workerType is not allowed, because "G\.64X" is not a worker type whose size the launcher knows/,
    );
  });

  it('jobRunQueuingEnabled is refused under safe and a list: it lifts the job’s concurrency limit', () => {
    for (const policy of [SAFE, list('--day')]) {
      expect(thrown(() => checkArguments([request({ jobRunQueuingEnabled: true })], policy)).message).toMatch(
        /run setting jobRunQueuingEnabled is not allowed, because ALLOWED_RUN_ARGUMENTS=.* refuses it: it lifts the job's concurrency limit/,
      );
    }
    expect(() => checkArguments([request({ jobRunQueuingEnabled: true })], ANY)).not.toThrow();
  });

  it('timeout, workerType and executionClass stay allowed', () => {
    const settings = { timeout: 30, workerType: 'G.2X', executionClass: 'FLEX' } as const;
    expect(() => checkArguments([request(settings)], SAFE)).not.toThrow();
  });
});
