import { LauncherError } from '../errors';
import { hasNoIndex, type PipIndexOption, rewriteInstallerOption, words } from './pip-options';

/** Glue passes this value's words to `pip3 install`, then appends `--additional-python-modules`' value. */
export const INSTALLER_OPTION = '--python-modules-installer-option';

export type Arguments = Readonly<Record<string, string>>;

export interface JobArguments {
  readonly name: string;
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
}

/**
 * Checks, before any token exists, that the installer option can carry an index for this job, and returns the
 * value the run's installer option will be rewritten from: the request's, else the job's default.
 */
export const installerOptionBase = (job: JobArguments, requestArguments: Arguments | undefined): string | undefined => {
  if (Object.hasOwn(job.nonOverridableArguments, INSTALLER_OPTION)) {
    throw new LauncherError(
      'InstallerOptionConflict',
      `Job ${job.name} sets ${INSTALLER_OPTION} in its NonOverridableArguments, so a run cannot be given the index URL; move it to DefaultArguments.`,
    );
  }
  const base = requestArguments?.[INSTALLER_OPTION] ?? job.defaultArguments[INSTALLER_OPTION];
  if (hasNoIndex(words(base))) {
    throw new LauncherError(
      'InstallerOptionConflict',
      `Job ${job.name} has --no-index in ${INSTALLER_OPTION}, so pip would ignore the CodeArtifact index; remove --no-index.`,
    );
  }
  return base;
};

/**
 * The run's arguments: the job's defaults, the request's over them key by key (Glue's own precedence), and the
 * installer option, already checked by `installerOptionBase`, rewritten to point pip at the given index.
 */
export const mergeArguments = (
  defaultArguments: Arguments,
  requestArguments: Arguments | undefined,
  installerOption: string | undefined,
  indexOption: PipIndexOption,
  url: string,
): Record<string, string> => ({
  ...defaultArguments,
  ...requestArguments,
  [INSTALLER_OPTION]: rewriteInstallerOption(installerOption, indexOption, url),
});
