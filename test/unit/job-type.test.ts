import type { LauncherError } from '../../src/errors';
import { type JobCommand, jobType } from '../../src/pip/job-type';

const job = (overrides: Partial<JobCommand>): JobCommand => ({
  name: 'etl',
  command: 'glueetl',
  glueVersion: '4.0',
  pythonVersion: undefined,
  ...overrides,
});

const refusal = (overrides: Partial<JobCommand>): LauncherError => {
  try {
    jobType(job(overrides));
  } catch (error) {
    return error as LauncherError;
  }
  throw new Error('expected UnsupportedJobType');
};

describe('which jobs pip can be pointed at', () => {
  it('Spark jobs from Glue 2.0 on, and Spark jobs that do not say which version they run', () => {
    for (const glueVersion of ['2.0', '3.0', '4.0', '5.0', undefined]) {
      expect(jobType(job({ glueVersion }))).toBe('spark');
      expect(jobType(job({ glueVersion, command: 'gluestreaming' }))).toBe('spark');
    }
    expect(jobType(job({ command: undefined }))).toBe('spark');
  });

  it('Python shell jobs on Python 3.9', () => {
    expect(jobType(job({ command: 'pythonshell', pythonVersion: '3.9', glueVersion: '3.0' }))).toBe('python-shell');
  });

  it.each<[string, Partial<JobCommand>, RegExp]>([
    ['Glue 0.9 Spark', { glueVersion: '0.9' }, /it runs Glue 0\.9, whose Spark jobs install no modules with pip/],
    ['Glue 1.0 Spark', { glueVersion: '1.0' }, /upgrade its GlueVersion/],
    [
      'Python shell 3.6',
      { command: 'pythonshell', pythonVersion: '3' },
      /Python 3\.6 \(PythonVersion "3"\).*move it to PythonVersion 3\.9/,
    ],
    ['Python shell 2', { command: 'pythonshell', pythonVersion: '2' }, /Python 2\.7/],
    ['Python shell without a version', { command: 'pythonshell' }, /PythonVersion "unset"/],
    ['Ray', { command: 'glueray' }, /Ray job, which installs modules from its runtime environment/],
    [
      'an unknown kind',
      { command: 'gluefuture' },
      /a gluefuture job; only Spark \(glueetl, gluestreaming\) and Python shell 3\.9/,
    ],
  ])('%s is UnsupportedJobType, in one sentence that says why', (_case, overrides, why) => {
    const error = refusal(overrides);
    expect(error.name).toBe('UnsupportedJobType');
    expect(error.message).toMatch(/^Job etl was not started: /);
    expect(error.message).toMatch(why);
    expect(error.message.match(/\.\s/g)).toBeNull(); // one sentence
  });
});
