import { checkArguments, PROTECTED_ARGUMENTS, refusal } from '../../src/boundary/argument-policy';
import type { LauncherError } from '../../src/errors';

// The boundary: which run arguments a caller may set, under each ALLOWED_RUN_ARGUMENTS setting.

const SAFE = { mode: 'safe' } as const;
const ANY = { mode: 'any' } as const;
const list = (...keys: string[]) => ({ mode: 'list', keys: new Set(keys) }) as const;

const thrown = (run: () => void): LauncherError => {
  try {
    run();
  } catch (error) {
    return error as LauncherError;
  }
  throw new Error('expected a refusal');
};

describe('the argument policy', () => {
  it('safe refuses every key that chooses a run’s code, its dependencies or its environment, in any case', () => {
    expect(PROTECTED_ARGUMENTS).toHaveLength(14);
    for (const key of PROTECTED_ARGUMENTS) {
      expect(refusal(key, SAFE)).toMatch(/^ALLOWED_RUN_ARGUMENTS=safe refuses it/);
      expect(refusal(key.toUpperCase(), SAFE)).toBeDefined();
    }
  });

  it('safe allows the keys a job reads as its own parameters', () => {
    for (const key of ['--run-date', '--enable-metrics', '--TempDir', '--conf-file', '--scriptLocations']) {
      expect(refusal(key, SAFE)).toBeUndefined();
    }
  });

  it('a list allows exactly its keys, a protected one included when listed on purpose', () => {
    const policy = list('--run-date', '--conf');
    expect(refusal('--run-date', policy)).toBeUndefined();
    expect(refusal('--conf', policy)).toBeUndefined();
    expect(refusal('--Run-Date', policy)).toBe('ALLOWED_RUN_ARGUMENTS=--run-date,--conf does not list it');
    expect(refusal('--enable-metrics', policy)).toBeDefined();
  });

  it('"*" allows any key', () => {
    for (const key of [...PROTECTED_ARGUMENTS, '--anything']) expect(refusal(key, ANY)).toBeUndefined();
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
