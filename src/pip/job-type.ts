import { unsupportedJobType } from '../errors';

/**
 * How a job's pip is given the index: a Spark job (Glue 2.0 and later) reads `--python-modules-installer-option`;
 * a Python shell 3.9 job reads pip options inside `--additional-python-modules`. Nothing else installs modules
 * with pip options the launcher can set.
 */
export type JobType = 'spark' | 'python-shell';

export interface JobCommand {
  readonly name: string;
  /** `Command.Name`: glueetl, gluestreaming, pythonshell, glueray. */
  readonly command: string | undefined;
  /** `GlueVersion`, e.g. "4.0"; absent on old jobs. */
  readonly glueVersion: string | undefined;
  /** `Command.PythonVersion` of a Python shell job: "3.9", "3" (Python 3.6) or "2". */
  readonly pythonVersion: string | undefined;
}

const SPARK: ReadonlySet<string> = new Set(['glueetl', 'gluestreaming']);
/** Glue versions whose Spark jobs do not install `--additional-python-modules` with pip. */
const BEFORE_PIP: ReadonlySet<string> = new Set(['0.9', '1.0']);

/** The job's type, or `UnsupportedJobType` saying in one sentence why its pip cannot be pointed at the index. */
export function jobType(job: JobCommand): JobType {
  const { command, glueVersion, pythonVersion } = job;
  if (command === undefined || SPARK.has(command)) {
    if (glueVersion !== undefined && BEFORE_PIP.has(glueVersion)) {
      throw unsupportedJobType(
        job.name,
        `it runs Glue ${glueVersion}, whose Spark jobs install no modules with pip (Glue 2.0 and later do); upgrade its GlueVersion`,
      );
    }
    return 'spark';
  }
  if (command === 'pythonshell') {
    if (pythonVersion === '3.9') return 'python-shell';
    const python = pythonVersion === '2' ? 'Python 2.7' : 'Python 3.6';
    throw unsupportedJobType(
      job.name,
      `it is a Python shell job on ${python} (PythonVersion ${JSON.stringify(pythonVersion ?? 'unset')}), which has no --additional-python-modules (support for Python shell 3.6 ended in March 2026); move it to PythonVersion 3.9`,
    );
  }
  if (command === 'glueray') {
    throw unsupportedJobType(
      job.name,
      'it is a Ray job, which installs modules from its runtime environment, not with pip options the launcher can set (Glue for Ray is closed to new customers)',
    );
  }
  throw unsupportedJobType(
    job.name,
    `it is a ${command} job; only Spark (glueetl, gluestreaming) and Python shell 3.9 jobs are supported`,
  );
}
