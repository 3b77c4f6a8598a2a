import { installerOptionConflict, unsupportedJobType } from '../errors';
import type { Arguments } from '../plan';
import { type JobCommand, jobKind } from './job-kind';
import { scanModulesValue, withModulesIndex } from './modules-value';
import { keptWords, optionName, type PipIndexOption, scanPipOptions, withInstallerIndex, words } from './options';
import {
  type Delivery,
  type FileDelivery,
  type FilePlan,
  fileInstallerOption,
  filePlan,
  type TokenDelivery,
} from './requirements-file';

/** A Spark job's Glue passes this value's words to `pip3 install`, then appends `--additional-python-modules`' value. */
export const INSTALLER_OPTION = '--python-modules-installer-option';
export const MODULES_OPTION = '--additional-python-modules';

/** What placing the index needs to know of a Glue job. */
export interface PipJob extends JobCommand {
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
}

/**
 * Where the launcher puts its index for one run, decided once, before any token exists: a Spark job's installer
 * option (its other pip options, in order), a Python shell job's modules value without its index options (absent:
 * nothing to install, so nothing to point), or a requirements file written for the run (with the store that writes
 * it: a placement in a file cannot exist without one).
 */
export type IndexPlacement<S> =
  | { readonly via: 'installer-option'; readonly options: readonly string[] }
  | { readonly via: 'modules-value'; readonly rest: string | undefined }
  | { readonly via: 'requirements-file'; readonly plan: FilePlan; readonly files: FileDelivery<S> };

/** The placements that put the index in the run's arguments. */
export type ArgumentsPlacement = Exclude<IndexPlacement<unknown>, { readonly via: 'requirements-file' }>;

/** What a placement means for the token: where it ends up. */
export const tokenDeliveryOf = (placement: IndexPlacement<unknown>): TokenDelivery =>
  placement.via === 'requirements-file' ? 'requirements-file' : 'arguments';

const overridable = (job: PipJob, key: string) => {
  if (Object.hasOwn(job.nonOverridableArguments, key)) {
    throw installerOptionConflict(
      job.name,
      `it sets ${key} in its NonOverridableArguments, so a run cannot be given the index URL; move it to DefaultArguments`,
    );
  }
};

/** The run's value of a key as Glue will resolve it: NonOverridableArguments, the request's, the job's default. */
const resolved = (job: PipJob, requestArguments: Arguments | undefined, key: string) =>
  job.nonOverridableArguments[key] ?? requestArguments?.[key] ?? job.defaultArguments[key];

const noFile = (job: PipJob, why: string) =>
  unsupportedJobType(job.name, `${why}; TOKEN_DELIVERY=requirements-file needs Glue 5.0 or later Spark jobs`);

/** A Spark job: the installer option (or a file) gets the index; the modules value must not carry one of its own. */
const sparkPlacement = <S>(
  job: PipJob,
  requestArguments: Arguments | undefined,
  delivery: Delivery<S>,
): IndexPlacement<S> => {
  overridable(job, INSTALLER_OPTION);
  const base = resolved(job, requestArguments, INSTALLER_OPTION);
  const installer = scanPipOptions(words(base));
  if (installer.noIndex) {
    throw installerOptionConflict(
      job.name,
      `${INSTALLER_OPTION} holds ${installer.noIndex}, so pip would ignore the CodeArtifact index; remove it`,
    );
  }
  const modulesValue = resolved(job, requestArguments, MODULES_OPTION);
  const modules = scanModulesValue(modulesValue ?? '');
  const found = modules.noIndex ?? modules.index[0];
  if (found) {
    throw installerOptionConflict(
      job.name,
      `${MODULES_OPTION} holds the pip option ${optionName(found)}, which pip would read beside the launcher's index; move index options to ${INSTALLER_OPTION}`,
    );
  }
  const inArguments: IndexPlacement<S> = { via: 'installer-option', options: keptWords(installer) };
  if (delivery.mode === 'arguments') return inArguments;
  const fixed = Object.hasOwn(job.nonOverridableArguments, MODULES_OPTION);
  const plan = filePlan({ kind: 'spark', glueVersion: job.glueVersion, modulesFixed: fixed }, base, modulesValue);
  if (!('unfit' in plan)) return { via: 'requirements-file', plan, files: delivery };
  if (delivery.mode === 'requirements-file') throw noFile(job, plan.unfit);
  return inArguments; // auto: arguments where the file cannot go
};

/** A Python shell 3.9 job: the modules value gets the index, in place of any it had. */
const pythonShellPlacement = <S>(job: PipJob, requestArguments: Arguments | undefined): IndexPlacement<S> => {
  overridable(job, MODULES_OPTION);
  const modules = scanModulesValue(resolved(job, requestArguments, MODULES_OPTION) ?? '');
  if (modules.noIndex) {
    throw installerOptionConflict(
      job.name,
      `${MODULES_OPTION} holds ${modules.noIndex}, so pip would ignore the CodeArtifact index; remove it`,
    );
  }
  if (modules.swallowsIndex) {
    throw installerOptionConflict(
      job.name,
      `${MODULES_OPTION} ends with a pip option that would take the launcher's index as its value`,
    );
  }
  return { via: 'modules-value', rest: modules.rest === '' ? undefined : modules.rest };
};

/**
 * Decides, before any token exists, where the run's pip gets the launcher's index, and checks that it gets no
 * other: `UnsupportedJobType` for a job whose pip cannot be pointed, `InstallerOptionConflict` for one whose
 * arguments would keep another index.
 */
export const placeIndex = <S>(
  job: PipJob,
  requestArguments: Arguments | undefined,
  delivery: Delivery<S>,
): IndexPlacement<S> => {
  if (jobKind(job) === 'spark') return sparkPlacement(job, requestArguments, delivery);
  if (delivery.mode === 'requirements-file') throw noFile(job, 'it is a Python shell job');
  return pythonShellPlacement(job, requestArguments);
};

/** The arguments that carry the index URL itself; none when there is nothing to install. */
export const indexArguments = (
  placement: ArgumentsPlacement,
  option: PipIndexOption,
  url: string,
): Record<string, string> => {
  if (placement.via === 'installer-option') {
    return { [INSTALLER_OPTION]: withInstallerIndex(placement.options, option, url) };
  }
  return placement.rest === undefined ? {} : { [MODULES_OPTION]: withModulesIndex(placement.rest, option, url) };
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
  job: PipJob,
  requestArguments: Arguments | undefined,
  carrying: Record<string, string>,
): Record<string, string> => ({ ...job.defaultArguments, ...requestArguments, ...carrying });
