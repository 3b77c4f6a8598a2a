import { LauncherError } from '../errors';
import type { JobKind } from './job-kind';
import { scanModulesValue, withModulesIndex } from './modules-value';
import { keptWords, optionName, type PipIndexOption, scanPipOptions, withInstallerIndex, words } from './pip-options';
import {
  type FilePlan,
  fileInstallerOption,
  filePlan,
  type TokenDelivery,
  type TokenDeliverySetting,
} from './requirements-file';

/** A Spark job's Glue passes this value's words to `pip3 install`, then appends `--additional-python-modules`' value. */
export const INSTALLER_OPTION = '--python-modules-installer-option';
export const MODULES_OPTION = '--additional-python-modules';

export type Arguments = Readonly<Record<string, string>>;

export interface JobArguments {
  readonly name: string;
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
  readonly glueVersion?: string | undefined;
}

/**
 * Where the launcher puts its index for this run, read once before any token exists: a Spark job's installer
 * option (its other pip options, in order), a Python shell job's modules value without its index options (absent:
 * nothing to install, so nothing to point), or a requirements file.
 */
export type PipDelivery =
  | { readonly via: 'installer-option'; readonly options: readonly string[] }
  | { readonly via: 'modules-value'; readonly rest: string | undefined }
  | { readonly via: 'requirements-file'; readonly plan: FilePlan };

/** The deliveries that put the index in the run's arguments. */
export type ArgumentsDelivery = Exclude<PipDelivery, { readonly via: 'requirements-file' }>;

export const tokenDeliveryOf = (delivery: PipDelivery): TokenDelivery =>
  delivery.via === 'requirements-file' ? 'requirements-file' : 'arguments';

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

const unsupported = (job: JobArguments, why: string) =>
  new LauncherError(
    'UnsupportedJobType',
    `Job ${job.name} was not started: ${why}; TOKEN_DELIVERY=requirements-file needs Glue 5.0 or later Spark jobs.`,
  );

/** A Spark job: the installer option (or a file) gets the index; the modules value must not carry one of its own. */
const sparkDelivery = (
  job: JobArguments,
  requestArguments: Arguments | undefined,
  setting: TokenDeliverySetting,
): PipDelivery => {
  overridable(job, INSTALLER_OPTION, 'the index URL');
  const base = resolved(job, requestArguments, INSTALLER_OPTION);
  const installer = scanPipOptions(words(base));
  if (installer.noIndex) {
    throw conflict(
      job,
      `${INSTALLER_OPTION} holds ${installer.noIndex}, so pip would ignore the CodeArtifact index; remove it`,
    );
  }
  const modulesValue = resolved(job, requestArguments, MODULES_OPTION);
  const modules = scanModulesValue(modulesValue ?? '');
  const found = modules.noIndex ?? modules.index[0];
  if (found) {
    throw conflict(
      job,
      `${MODULES_OPTION} holds the pip option ${optionName(found)}, which pip would read beside the launcher's index; move index options to ${INSTALLER_OPTION}`,
    );
  }
  const inArguments: PipDelivery = { via: 'installer-option', options: keptWords(installer) };
  if (setting === 'arguments') return inArguments;
  const fixed = Object.hasOwn(job.nonOverridableArguments, MODULES_OPTION);
  const plan = filePlan({ kind: 'spark', glueVersion: job.glueVersion, modulesFixed: fixed }, base, modulesValue);
  if (!('unfit' in plan)) return { via: 'requirements-file', plan };
  if (setting === 'requirements-file') throw unsupported(job, plan.unfit);
  return inArguments; // auto: arguments where the file cannot go
};

/** A Python shell 3.9 job: the modules value gets the index, in place of any it had. */
const pythonShellDelivery = (job: JobArguments, requestArguments: Arguments | undefined): PipDelivery => {
  overridable(job, MODULES_OPTION, 'the index URL');
  const modules = scanModulesValue(resolved(job, requestArguments, MODULES_OPTION) ?? '');
  if (modules.noIndex) {
    throw conflict(
      job,
      `${MODULES_OPTION} holds ${modules.noIndex}, so pip would ignore the CodeArtifact index; remove it`,
    );
  }
  if (modules.swallowsIndex) {
    throw conflict(job, `${MODULES_OPTION} ends with a pip option that would take the launcher's index as its value`);
  }
  return { via: 'modules-value', rest: modules.rest === '' ? undefined : modules.rest };
};

/**
 * Checks, before any token exists, that pip can be given the launcher's index and no other, and says which
 * argument will carry it and what it is rewritten from.
 */
export const pipDelivery = (
  job: JobArguments,
  kind: JobKind,
  requestArguments: Arguments | undefined,
  setting: TokenDeliverySetting = 'arguments',
): PipDelivery => {
  if (kind === 'spark') return sparkDelivery(job, requestArguments, setting);
  if (setting === 'requirements-file') throw unsupported(job, 'it is a Python shell job');
  return pythonShellDelivery(job, requestArguments);
};

/** The arguments that carry the index URL itself; none when there is nothing to install. */
export const indexArguments = (
  delivery: ArgumentsDelivery,
  option: PipIndexOption,
  url: string,
): Record<string, string> => {
  if (delivery.via === 'installer-option') {
    return { [INSTALLER_OPTION]: withInstallerIndex(delivery.options, option, url) };
  }
  return delivery.rest === undefined ? {} : { [MODULES_OPTION]: withModulesIndex(delivery.rest, option, url) };
};

/** The arguments that name the requirements file holding the index: its S3 URI, and `-r` after the other options. */
export const fileArguments = (plan: FilePlan, uri: string): Record<string, string> => ({
  [MODULES_OPTION]: uri,
  [INSTALLER_OPTION]: fileInstallerOption(plan),
});

/**
 * The run's arguments: the job's defaults, the request's over them key by key (Glue's own precedence), then the
 * arguments that carry the index (`indexArguments` or `fileArguments`).
 */
export const mergeArguments = (
  job: JobArguments,
  requestArguments: Arguments | undefined,
  carrying: Record<string, string>,
): Record<string, string> => ({ ...job.defaultArguments, ...requestArguments, ...carrying });
