import { LauncherError } from '../errors';
import { optionName, type PipIndexOption, rewriteInstallerOption, scanPipOptions, words } from './pip-options';

/** Glue passes this value's words to `pip3 install`, then appends `--additional-python-modules`' value. */
export const INSTALLER_OPTION = '--python-modules-installer-option';
export const MODULES_OPTION = '--additional-python-modules';

export type Arguments = Readonly<Record<string, string>>;

export interface JobArguments {
  readonly name: string;
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
}

const conflict = (job: JobArguments, why: string) =>
  new LauncherError('InstallerOptionConflict', `Job ${job.name} was not started: ${why}.`);

/**
 * Checks, before any token exists, that pip can be given the launcher's index and no other, and returns the
 * installer option the run's is rewritten from: the request's, else the job's default. pip reads the modules value
 * too (comma-separated, after the options), so an index option there would be a second index.
 */
export const installerOptionBase = (job: JobArguments, requestArguments: Arguments | undefined): string | undefined => {
  if (Object.hasOwn(job.nonOverridableArguments, INSTALLER_OPTION)) {
    throw conflict(
      job,
      `it sets ${INSTALLER_OPTION} in its NonOverridableArguments, so a run cannot be given the index URL; move it to DefaultArguments`,
    );
  }
  const base = requestArguments?.[INSTALLER_OPTION] ?? job.defaultArguments[INSTALLER_OPTION];
  const noIndex = scanPipOptions(words(base)).noIndex;
  if (noIndex) {
    throw conflict(job, `${INSTALLER_OPTION} holds ${noIndex}, so pip would ignore the CodeArtifact index; remove it`);
  }
  const modules =
    requestArguments?.[MODULES_OPTION] ??
    job.nonOverridableArguments[MODULES_OPTION] ??
    job.defaultArguments[MODULES_OPTION];
  const inModules = scanPipOptions(words(modules?.replace(/,/g, ' ')));
  const found = inModules.noIndex ?? inModules.index[0];
  if (found) {
    throw conflict(
      job,
      `${MODULES_OPTION} holds the pip option ${optionName(found)}, which pip would read beside the launcher's index; move index options to ${INSTALLER_OPTION}`,
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
