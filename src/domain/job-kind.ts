import { LauncherError } from '../errors';

/** Spark jobs read `--python-modules-installer-option`; Python shell and Ray jobs install modules otherwise. */
const SUPPORTED_COMMANDS: ReadonlySet<string> = new Set(['glueetl', 'gluestreaming']);

export interface JobCommand {
  readonly name: string;
  /** `Command.Name`: glueetl, gluestreaming, pythonshell, glueray. */
  readonly command: string | undefined;
}

/** Throws `UnsupportedJobType` for a job whose pip cannot be pointed at the index. */
export const checkJobKind = (job: JobCommand): void => {
  if (job.command !== undefined && !SUPPORTED_COMMANDS.has(job.command)) {
    throw new LauncherError(
      'UnsupportedJobType',
      `Job ${job.name} is a ${job.command} job, which does not read --python-modules-installer-option; only glueetl and gluestreaming jobs are supported.`,
    );
  }
};
