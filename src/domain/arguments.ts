import { LauncherError } from '../errors';
import type { JobKind } from './job-kind';
import { rewriteModulesValue, scanModulesValue } from './modules-value';
import { optionName, type PipIndexOption, rewriteInstallerOption, scanPipOptions, words } from './pip-options';
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
 * Where the launcher puts its index for this run, and what it starts from: a Spark job's installer option, a
 * Python shell job's modules value (absent: nothing to install, so nothing to rewrite), or a requirements file.
 */
export type PipDelivery =
  | { readonly via: 'installer-option'; readonly base: string | undefined }
  | { readonly via: 'modules-value'; readonly base: string | undefined }
  | { readonly via: 'requirements-file'; readonly plan: FilePlan };

/** How the index reaches the run: its URL in an argument, or the S3 URI of the file that holds it. */
export type IndexCarrier = { readonly url: string; readonly option: PipIndexOption } | { readonly fileUri: string };

export const tokenDeliveryOf = (delivery: PipDelivery): TokenDelivery =>
  delivery.via === 'requirements-file' ? 'requirements-file' : 'arguments';

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
  const noIndex = scanPipOptions(words(base)).noIndex;
  if (noIndex) {
    throw conflict(job, `${INSTALLER_OPTION} holds ${noIndex}, so pip would ignore the CodeArtifact index; remove it`);
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
  if (setting === 'arguments') return { via: 'installer-option', base };
  const fixed = Object.hasOwn(job.nonOverridableArguments, MODULES_OPTION);
  const plan = filePlan({ kind: 'spark', glueVersion: job.glueVersion, modulesFixed: fixed }, base, modulesValue);
  if (!('unfit' in plan)) return { via: 'requirements-file', plan };
  if (setting === 'requirements-file') throw unsupported(job, plan.unfit);
  return { via: 'installer-option', base }; // auto: arguments where the file cannot go
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
  return { via: 'modules-value', base };
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

/** The arguments that carry the index, already checked by `pipDelivery`; none when there is nothing to point. */
const delivered = (job: JobArguments, delivery: PipDelivery, carrier: IndexCarrier): Record<string, string> => {
  if (delivery.via === 'requirements-file' || 'fileUri' in carrier) {
    if (delivery.via !== 'requirements-file' || !('fileUri' in carrier)) throw new Error('delivery and carrier differ');
    return { [MODULES_OPTION]: carrier.fileUri, [INSTALLER_OPTION]: fileInstallerOption(delivery.plan) };
  }
  const { option, url } = carrier;
  if (delivery.via === 'installer-option')
    return { [INSTALLER_OPTION]: rewriteInstallerOption(delivery.base, option, url) };
  if (delivery.base === undefined || scanModulesValue(delivery.base).rest === '') return {};
  const value = rewriteModulesValue(delivery.base, option, url);
  if (value === undefined) throw conflict(job, DANGLING);
  return { [MODULES_OPTION]: value };
};

/**
 * The run's arguments: the job's defaults, the request's over them key by key (Glue's own precedence), and the
 * arguments that carry the index, already checked by `pipDelivery`.
 */
export const mergeArguments = (
  job: JobArguments,
  requestArguments: Arguments | undefined,
  delivery: PipDelivery,
  carrier: IndexCarrier,
): Record<string, string> => ({
  ...job.defaultArguments,
  ...requestArguments,
  ...delivered(job, delivery, carrier),
});
