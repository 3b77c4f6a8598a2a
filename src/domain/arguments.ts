import { LauncherError } from '../errors';
import type { JobKind } from './job-kind';
import { rewriteModulesValue, scanModulesValue } from './modules-value';
import { optionName, type PipIndexOption, rewriteInstallerOption, scanPipOptions, words } from './pip-options';

/** A Spark job's Glue passes this value's words to `pip3 install`, then appends `--additional-python-modules`' value. */
export const INSTALLER_OPTION = '--python-modules-installer-option';
export const MODULES_OPTION = '--additional-python-modules';

export type Arguments = Readonly<Record<string, string>>;

export interface JobArguments {
  readonly name: string;
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
}

/**
 * Where the launcher puts its index for this run, and what it rewrites: a Spark job's installer option, or a
 * Python shell job's modules value (absent: nothing to install, so nothing to rewrite).
 */
export type PipDelivery =
  | { readonly argument: typeof INSTALLER_OPTION; readonly base: string | undefined }
  | { readonly argument: typeof MODULES_OPTION; readonly base: string | undefined };

const DANGLING = `${MODULES_OPTION} ends with a pip option that would take the launcher's index as its value`;

const conflict = (job: JobArguments, why: string) =>
  new LauncherError('InstallerOptionConflict', `Job ${job.name} was not started: ${why}.`);

const overridable = (job: JobArguments, key: string, why: string) => {
  if (Object.hasOwn(job.nonOverridableArguments, key)) {
    throw conflict(
      job,
      `it sets ${key} in its NonOverridableArguments, so a run cannot be given ${why}; move it to DefaultArguments`,
    );
  }
};

/** The run's value of a key as Glue will resolve it: NonOverridableArguments, the request's, the job's default. */
const resolved = (job: JobArguments, requestArguments: Arguments | undefined, key: string) =>
  job.nonOverridableArguments[key] ?? requestArguments?.[key] ?? job.defaultArguments[key];

/** A Spark job: the installer option gets the index; the modules value must not carry one of its own. */
const sparkDelivery = (job: JobArguments, requestArguments: Arguments | undefined): PipDelivery => {
  overridable(job, INSTALLER_OPTION, 'the index URL');
  const base = resolved(job, requestArguments, INSTALLER_OPTION);
  const noIndex = scanPipOptions(words(base)).noIndex;
  if (noIndex) {
    throw conflict(job, `${INSTALLER_OPTION} holds ${noIndex}, so pip would ignore the CodeArtifact index; remove it`);
  }
  const modules = scanModulesValue(resolved(job, requestArguments, MODULES_OPTION) ?? '');
  const found = modules.noIndex ?? modules.index[0];
  if (found) {
    throw conflict(
      job,
      `${MODULES_OPTION} holds the pip option ${optionName(found)}, which pip would read beside the launcher's index; move index options to ${INSTALLER_OPTION}`,
    );
  }
  return { argument: INSTALLER_OPTION, base };
};

/** A Python shell 3.9 job: the modules value gets the index, in place of any it had. */
const pythonShellDelivery = (job: JobArguments, requestArguments: Arguments | undefined): PipDelivery => {
  overridable(job, MODULES_OPTION, 'the index URL');
  const base = resolved(job, requestArguments, MODULES_OPTION);
  const noIndex = scanModulesValue(base ?? '').noIndex;
  if (noIndex) {
    throw conflict(job, `${MODULES_OPTION} holds ${noIndex}, so pip would ignore the CodeArtifact index; remove it`);
  }
  if (base !== undefined && rewriteModulesValue(base, 'index-url', 'https://index.invalid/simple/') === undefined) {
    throw conflict(job, DANGLING);
  }
  return { argument: MODULES_OPTION, base };
};

/**
 * Checks, before any token exists, that pip can be given the launcher's index and no other, and says which
 * argument will carry it and what it is rewritten from.
 */
export const pipDelivery = (job: JobArguments, kind: JobKind, requestArguments: Arguments | undefined): PipDelivery =>
  kind === 'spark' ? sparkDelivery(job, requestArguments) : pythonShellDelivery(job, requestArguments);

/** The delivering argument's value, pointed at the index; `undefined` when there is nothing to point. */
const delivered = (job: JobArguments, delivery: PipDelivery, option: PipIndexOption, url: string) => {
  if (delivery.argument === INSTALLER_OPTION) return rewriteInstallerOption(delivery.base, option, url);
  if (delivery.base === undefined || scanModulesValue(delivery.base).rest === '') return undefined;
  const value = rewriteModulesValue(delivery.base, option, url);
  if (value === undefined) throw conflict(job, DANGLING);
  return value;
};

/**
 * The run's arguments: the job's defaults, the request's over them key by key (Glue's own precedence), and the
 * delivering argument, already checked by `pipDelivery`, rewritten to point pip at the given index.
 */
export const mergeArguments = (
  job: JobArguments,
  requestArguments: Arguments | undefined,
  delivery: PipDelivery,
  option: PipIndexOption,
  url: string,
): Record<string, string> => {
  const value = delivered(job, delivery, option, url);
  return {
    ...job.defaultArguments,
    ...requestArguments,
    ...(value === undefined ? {} : { [delivery.argument]: value }),
  };
};
