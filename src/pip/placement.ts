import { installerOptionConflict, parameterOf, setting, unsupportedJobType } from '../errors';
import type { Arguments } from '../plan';
import { type JobCommand, type JobKind, jobKind } from './job-kind';
import { readShellModules, readSparkModules, withShellIndex } from './modules-value';
import {
  type AllowedOption,
  checkCharacters,
  isRefused,
  type PipIndexOption,
  type Refused,
  readOptions,
  withInstallerIndex,
  words,
} from './options';
import { type OwnFile, readOwnFile, S3_FILE, S3_WHEEL } from './requirements';
import {
  type DeliverySetting,
  FILE_INSTALLER_OPTION,
  type FilePlan,
  type RequirementsLocation,
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
 * Where the index goes, decided in two steps around one read (docs/adr/0013-strict-grammars-at-the-boundary.md).
 * The draft is what the job's arguments say, read by the strict grammars, before any token: its options, its
 * modules, and the S3 requirements file of its own that must be read before it can be placed.
 */
export interface PlacementDraft {
  readonly jobName: string;
  readonly kind: JobKind;
  readonly glueVersion: string | undefined;
  /** The installer option's allowlisted options (Spark), index options removed. */
  readonly options: readonly string[];
  readonly optionKinds: readonly AllowedOption[];
  /** The modules: plain requirements (and, for Spark, S3 wheels). */
  readonly items: readonly string[];
  /** The job's own requirements file (Spark, Glue 5's `-r`), read before the job is placed. */
  readonly ownFile: string | undefined;
  /** Where its requirements file goes, when TOKEN_DELIVERY writes one and the job can take it. */
  readonly file: RequirementsLocation | undefined;
  /** Why it cannot take one (`auto` delivery gives it arguments), for what a refusal says. */
  readonly fileUnfit: string | undefined;
}

/**
 * Where the launcher puts its index for one run: a Spark job's installer option (its other options, and `-r` when
 * it has its own file), a Python shell job's modules value (absent: nothing to install), or a requirements file.
 */
export type IndexPlacement =
  | { readonly via: 'installer-option'; readonly options: readonly string[]; readonly ownFile: boolean }
  | { readonly via: 'modules-value'; readonly items: readonly string[] }
  | { readonly via: 'requirements-file'; readonly plan: FilePlan };

/** What a placement means for the token: where it ends up. */
export const tokenDeliveryOf = (placement: IndexPlacement): TokenDelivery =>
  placement.via === 'requirements-file' ? 'requirements-file' : 'arguments';

/** The run's value of a key as Glue will resolve it: NonOverridableArguments, the request's, the job's default. */
const resolved = (job: PipJob, requestArguments: Arguments | undefined, key: string) =>
  job.nonOverridableArguments[key] ?? requestArguments?.[key] ?? job.defaultArguments[key];

const conflict = (jobName: string, what: string, refused: Refused) =>
  installerOptionConflict(
    jobName,
    `${what} holds ${refused.refused}; the launcher lets through only plain requirements and the pip options of docs/pip-options.md`,
  );

/**
 * Reads, before any token, what the job's arguments say pip will do, by the strict grammars: `UnsupportedJobType`
 * for a job whose pip cannot be pointed, `InstallerOptionConflict` naming anything else than the allowlisted
 * options and plain requirements.
 */
export const draftPlacement = (
  job: PipJob,
  requestArguments: Arguments | undefined,
  delivery: DeliverySetting,
): PlacementDraft => {
  const kind = jobKind(job);
  const carrier = kind === 'spark' ? INSTALLER_OPTION : MODULES_OPTION;
  if (Object.hasOwn(job.nonOverridableArguments, carrier)) {
    throw installerOptionConflict(
      job.name,
      `it sets ${carrier} in its NonOverridableArguments, so a run cannot be given the index URL; move it to DefaultArguments`,
    );
  }
  const base = { jobName: job.name, kind, glueVersion: job.glueVersion };
  const modulesValue = resolved(job, requestArguments, MODULES_OPTION)?.trim() ?? '';
  const modulesFixed = Object.hasOwn(job.nonOverridableArguments, MODULES_OPTION);
  if (kind === 'python-shell') {
    if (delivery.mode === 'requirements-file') throw noFile(job.name, 'it is a Python shell job');
    const items = modulesValue === '' ? [] : readShellModules(modulesValue);
    if (isRefused(items)) throw conflict(job.name, MODULES_OPTION, items);
    const fileUnfit = 'it is a Python shell job';
    return { ...base, options: [], optionKinds: [], items, ownFile: undefined, file: undefined, fileUnfit };
  }
  const installerValue = resolved(job, requestArguments, INSTALLER_OPTION) ?? '';
  const odd = checkCharacters(installerValue);
  const read = odd ?? readOptions(words(installerValue), { allow: () => true, trailingR: true });
  if (isRefused(read)) throw conflict(job.name, INSTALLER_OPTION, read);
  if (read.trailingR) {
    if (!S3_FILE.test(modulesValue) || S3_WHEEL.test(modulesValue)) {
      throw installerOptionConflict(
        job.name,
        `${INSTALLER_OPTION} ends with -r, so ${MODULES_OPTION} must be one s3:// requirements file (of [A-Za-z0-9._/+=-]), not ${JSON.stringify(modulesValue)}`,
      );
    }
    return withFitness(
      { ...base, options: read.kept, optionKinds: read.options, items: [], ownFile: modulesValue },
      modulesFixed,
      delivery,
    );
  }
  const items = modulesValue === '' ? [] : readSparkModules(modulesValue);
  if (isRefused(items)) throw conflict(job.name, MODULES_OPTION, items);
  return withFitness(
    { ...base, options: read.kept, optionKinds: read.options, items, ownFile: undefined },
    modulesFixed,
    delivery,
  );
};

type Unplaced = Omit<PlacementDraft, 'file' | 'fileUnfit'>;

/** The draft with where its file goes: in requirements-file delivery, a job that cannot take one is refused now. */
const withFitness = (draft: Unplaced, modulesFixed: boolean, delivery: DeliverySetting): PlacementDraft => {
  const fileUnfit = unfitForFile(draft, modulesFixed);
  if (fileUnfit && delivery.mode === 'requirements-file') throw noFile(draft.jobName, fileUnfit);
  const file = delivery.mode === 'arguments' || fileUnfit ? undefined : delivery.location;
  return { ...draft, file, fileUnfit };
};

const noFile = (jobName: string, why: string) =>
  unsupportedJobType(
    jobName,
    `${why}; TOKEN_DELIVERY=requirements-file needs Glue 5.0 or later Spark jobs (set the ${parameterOf('TOKEN_DELIVERY')} to auto to give other jobs arguments delivery)`,
  );

/** Why this job cannot take a requirements file, or undefined when it can. */
const unfitForFile = (draft: Unplaced, modulesFixed: boolean): string | undefined => {
  if (modulesFixed) return `its ${MODULES_OPTION} is one of its NonOverridableArguments`;
  if (!(Number.parseFloat(draft.glueVersion ?? '') >= 5)) {
    return `it runs Glue ${draft.glueVersion ?? '(unset)'}, and only Glue 5.0 and later read a requirements file from S3`;
  }
  if (draft.items.some((item) => item.startsWith('s3://'))) {
    return `its ${MODULES_OPTION} names S3 wheels, which pip cannot read from a requirements file`;
  }
  const notInFile = draft.optionKinds.find((option) => !option.inFile);
  if (notInFile) {
    return `its ${INSTALLER_OPTION} holds ${notInFile.names.at(-1)}, which pip does not accept in a requirements file (the file delivery sends exactly -r)`;
  }
  return undefined;
};

/** A job's own requirements file, read by the line grammar, or `InstallerOptionConflict` naming the line. */
export const checkOwnFile = (jobName: string, uri: string, text: string): OwnFile => {
  const own = readOwnFile(text);
  if (isRefused(own)) {
    throw installerOptionConflict(
      jobName,
      `line ${own.line} of its requirements file ${uri} is refused: ${own.refused}; the launcher lets through only plain requirements and the pip options of docs/pip-options.md`,
    );
  }
  return own;
};

/**
 * Places the index, once the job's own file (when it has one) was read: in the run's arguments or in a file, as
 * `TOKEN_DELIVERY` and the job allow. In `arguments` delivery a file that names an index is refused (pip would
 * read the file's index over the command line's); `auto` gives such a job the file delivery when it can take it.
 */
export const placeIndex = (draft: PlacementDraft, own: OwnFile | undefined): IndexPlacement => {
  if (draft.kind === 'python-shell') return { via: 'modules-value', items: draft.items };
  if (draft.file) {
    const plan = {
      location: draft.file,
      options: draft.options,
      requirements: draft.items,
      ownLines: own?.lines ?? [],
    };
    return { via: 'requirements-file', plan };
  }
  const named = own?.indexLines[0];
  if (named) {
    const instead = draft.fileUnfit
      ? `remove the line (the launcher cannot carry the file over: ${draft.fileUnfit})`
      : `remove the line, or set ${setting('TOKEN_DELIVERY')} to auto or requirements-file so that the launcher carries the file over without it`;
    throw installerOptionConflict(
      draft.jobName,
      `line ${named.line} of its requirements file ${draft.ownFile} sets ${named.option}, which pip would read over the launcher's index; ${instead}`,
    );
  }
  return { via: 'installer-option', options: draft.options, ownFile: draft.ownFile !== undefined };
};

/** The arguments that carry the index URL itself; none when there is nothing to install. */
export const indexArguments = (
  placement: Exclude<IndexPlacement, { readonly via: 'requirements-file' }>,
  option: PipIndexOption,
  url: string,
): Record<string, string> => {
  if (placement.via === 'installer-option') {
    const options = placement.ownFile ? [...placement.options, '-r'] : placement.options;
    return { [INSTALLER_OPTION]: withInstallerIndex(options, option, url) };
  }
  return placement.items.length === 0 ? {} : { [MODULES_OPTION]: withShellIndex(placement.items, option, url) };
};

/** The arguments that name the requirements file holding the index: its S3 URI, and exactly `-r`. */
export const fileArguments = (uri: string): Record<string, string> => ({
  [MODULES_OPTION]: uri,
  [INSTALLER_OPTION]: FILE_INSTALLER_OPTION,
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
