import type { Settled } from '../concurrency';
import {
  installerOptionConflict,
  ownFileTooLarge,
  ownFileUnreadable,
  parameterOf,
  unsupportedJobType,
} from '../errors';
import type { Arguments } from '../plan';
import { failureDetail, type StoredBytes } from '../ports';
import { type JobCommand, type JobType, jobType } from './job-type';
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
import { isRequirementRefusal, type Requirement, readRequirement } from './requirement';
import { MAX_REQUIREMENTS_FILE_BYTES, type RequirementsSource, readRequirementsFile } from './requirements';
import {
  type Delivery,
  FILE_INSTALLER_OPTION,
  type FilePlan,
  type RequirementsLocation,
  S3_FILE,
  S3_WHEEL,
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
  readonly delivery: Delivery['mode'];
  readonly jobType: JobType;
  readonly glueVersion: string | undefined;
  /** The installer option's allowlisted options (Spark), index options removed. */
  readonly options: readonly string[];
  readonly optionKinds: readonly AllowedOption[];
  /** The modules: plain requirements (and, for Spark, S3 wheels). */
  readonly items: readonly string[];
  /** The job's own requirements file (Spark, Glue 5's `-r`), read before the job is placed; only ever written. */
  readonly ownFile: string | undefined;
  /** Where its requirements file goes, when TOKEN_DELIVERY writes one and the job can take it. */
  readonly file: RequirementsLocation | undefined;
  /** Why it cannot take one, when `auto` gives it arguments delivery instead: said in a warning. */
  readonly fileUnfit: string | undefined;
}

/**
 * Where the launcher puts its index for one run: a Spark job's installer option (its other options, and `-r` when
 * it has its own file), a Python shell job's modules value (absent: nothing to install), or a requirements file.
 */
export type IndexPlacement =
  | {
      readonly via: 'installer-option';
      readonly options: readonly string[];
      /** Why the job did not take a requirements file under `TOKEN_DELIVERY=auto`, which is said, never silent. */
      readonly fileUnfit?: string;
    }
  | { readonly via: 'modules-value'; readonly items: readonly string[]; readonly fileUnfit?: string }
  | { readonly via: 'requirements-file'; readonly plan: FilePlan };

/** What a placement means for the token: where it ends up. */
export function tokenDeliveryOf(placement: IndexPlacement): TokenDelivery {
  return placement.via === 'requirements-file' ? 'requirements-file' : 'arguments';
}

/** The run's value of a key as Glue will resolve it: NonOverridableArguments, the request's, the job's default. */
function resolved(job: PipJob, requestArguments: Arguments | undefined, key: string) {
  return job.nonOverridableArguments[key] ?? requestArguments?.[key] ?? job.defaultArguments[key];
}

function conflict(jobName: string, what: string, refused: Refused) {
  return installerOptionConflict(
    jobName,
    `${what} holds ${refused.refused}; the launcher lets through only plain requirements and the pip options of docs/pip-options.md`,
  );
}

/**
 * Reads, before any token, what the job's arguments say pip will do, by the strict grammars: `UnsupportedJobType`
 * for a job whose pip cannot be pointed, `InstallerOptionConflict` naming anything else than the allowlisted
 * options and plain requirements.
 */
export function draftPlacement(
  job: PipJob,
  requestArguments: Arguments | undefined,
  delivery: Delivery,
): PlacementDraft {
  checkLaunchArguments(job);
  const type = jobType(job);
  const carrier = type === 'spark' ? INSTALLER_OPTION : MODULES_OPTION;
  if (Object.hasOwn(job.nonOverridableArguments, carrier)) {
    throw installerOptionConflict(
      job.name,
      `it sets ${carrier} in its NonOverridableArguments, so a run cannot be given the index URL; move it to DefaultArguments`,
    );
  }
  const base = { jobName: job.name, delivery: delivery.mode, jobType: type, glueVersion: job.glueVersion };
  const modulesValue = resolved(job, requestArguments, MODULES_OPTION)?.trim() ?? '';
  const modulesFixed = Object.hasOwn(job.nonOverridableArguments, MODULES_OPTION);
  if (type === 'python-shell') {
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
    if (delivery.mode === 'arguments') throw ownFileNeedsFile(job.name, modulesValue);
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
}

type Unplaced = Omit<PlacementDraft, 'file' | 'fileUnfit'>;

/**
 * The draft with where its file goes. A job that cannot take one is refused now in requirements-file delivery, and
 * always when it has a requirements file of its own, which reaches pip only written by the launcher: a run given
 * `--index-url=<url> -r` would bet on Glue taking options before `-r`, which AWS does not document.
 */
function withFitness(draft: Unplaced, modulesFixed: boolean, delivery: Delivery): PlacementDraft {
  const fileUnfit = unfitForFile(draft, modulesFixed);
  if (fileUnfit && (delivery.mode === 'requirements-file' || draft.ownFile !== undefined)) {
    throw noFile(draft.jobName, fileUnfit, draft.ownFile !== undefined);
  }
  const file = delivery.mode === 'arguments' || fileUnfit ? undefined : delivery.location;
  return { ...draft, file, fileUnfit };
}

function noFile(jobName: string, why: string, ownFile = false) {
  return unsupportedJobType(
    jobName,
    ownFile
      ? `${why}, and its own requirements file reaches pip only in a file the launcher writes; ${fixOf(why)}`
      : `${why}; TOKEN_DELIVERY=requirements-file needs Glue 5.0 or later Spark jobs whose pip options pip accepts in a file or leaves output-only (${fixOf(why)}, or set the ${parameterOf('TOKEN_DELIVERY')} to auto to give such jobs arguments delivery)`,
  );
}

/** The fix of a reason a job cannot take a file, in its own terms. */
function fixOf(why: string): string {
  return /takes only on its command line/.test(why)
    ? 'pin the versions in the requirements instead of the option, or remove it'
    : /Glue \S+, and only/.test(why)
      ? 'move the job to Glue 5.0 or later'
      : `change that in the job's definition`;
}

/** A job's own requirements file in a deployment that writes none: which TOKEN_DELIVERY serves it. */
function ownFileNeedsFile(jobName: string, uri: string) {
  return unsupportedJobType(
    jobName,
    `its ${MODULES_OPTION} is its own requirements file ${uri}, which pip would read itself, comments, encoding and all, and which the launcher serves only as a file it writes: set the ${parameterOf('TOKEN_DELIVERY')} to auto (with the bucket the template then creates) or requirements-file, or serve the job with a standing requirements file`,
  );
}

/** Why this job cannot take a requirements file, or undefined when it can. */
function unfitForFile(draft: Unplaced, modulesFixed: boolean): string | undefined {
  if (modulesFixed) return `its ${MODULES_OPTION} is one of its NonOverridableArguments`;
  if (!(Number.parseFloat(draft.glueVersion ?? '') >= 5)) {
    return `it runs Glue ${draft.glueVersion ?? '(unset)'}, and only Glue 5.0 and later read a requirements file from S3`;
  }
  if (draft.items.some((item) => item.startsWith('s3://'))) {
    return `its ${MODULES_OPTION} names S3 wheels, which pip cannot read from a requirements file`;
  }
  const commandLine = draft.optionKinds.find((option) => option.effect === 'command-line');
  if (commandLine) {
    return `its ${INSTALLER_OPTION} holds ${commandLine.names.at(-1)}, which changes what is installed and which pip takes only on its command line (a file delivery's run gets exactly -r)`;
  }
  return undefined;
}

/**
 * `--launch-*` in a job's own definition would make every run of the job look like a keyed launch to the lookup
 * that finds earlier runs: refused, named.
 */
export function checkLaunchArguments(job: PipJob): void {
  for (const [where, args] of [
    ['DefaultArguments', job.defaultArguments],
    ['NonOverridableArguments', job.nonOverridableArguments],
  ] as const) {
    const key = Object.keys(args).find((name) => name.toLowerCase().startsWith('--launch-'));
    if (key !== undefined) {
      throw unsupportedJobType(
        job.name,
        `its ${where} hold ${key}, which the launcher alone sets on a run (it would make every run of the job look like a keyed launch); remove it from the job`,
      );
    }
  }
}

/** A job's own requirements file, read into the model, or `InstallerOptionConflict` naming the line and the fix. */
export function checkOwnFile(jobName: string, uri: string, bytes: Uint8Array): RequirementsSource {
  const own = readRequirementsFile(bytes);
  if (isRefused(own)) {
    const where = own.line === 0 ? `its requirements file ${uri}` : `line ${own.line} of its requirements file ${uri}`;
    throw installerOptionConflict(
      jobName,
      `${where} is refused: ${own.refused}; the launcher writes only plain requirements, their hashes and the pip options of docs/pip-options.md`,
    );
  }
  return own;
}

/** A modules value's requirement items, as the model (a file delivery's job has no S3 wheels: unfitForFile). */
function requirementsOf(items: readonly string[]): Requirement[] {
  return items.map((item) => {
    const requirement = readRequirement(item, { marker: false });
    if (isRequirementRefusal(requirement)) throw new Error(`${item} passed the item grammar but not the model's`);
    return requirement;
  });
}

/**
 * Places the index, once the job's own file (when it has one) was read: in the run's arguments or in a file, as
 * `TOKEN_DELIVERY` and the job allow. In a file, the options pip accepts there go in, output-only ones are left out
 * (they change nothing installed), the modules and the own file's requirements follow, its index lines dropped.
 */
export function placeIndex(draft: PlacementDraft, own: RequirementsSource | undefined): IndexPlacement {
  const fileUnfit = draft.delivery === 'auto' ? draft.fileUnfit : undefined;
  const said = fileUnfit ? { fileUnfit } : {};
  if (draft.jobType === 'python-shell') return { via: 'modules-value', items: draft.items, ...said };
  if (draft.file) {
    const inFile = draft.options.filter((_, at) => draft.optionKinds[at]?.effect === 'file');
    const dropped = draft.options.filter((_, at) => draft.optionKinds[at]?.effect === 'output');
    const plan: FilePlan = {
      location: draft.file,
      content: {
        options: [...inFile.map((option) => option.replace(' ', '=')), ...(own?.options ?? [])],
        requirements: [...requirementsOf(draft.items), ...(own?.requirements ?? [])],
      },
      dropped,
    };
    return { via: 'requirements-file', plan };
  }
  return { via: 'installer-option', options: draft.options, ...said };
}

/** Reads a job's own requirements file (at most MAX_REQUIREMENTS_FILE_BYTES): as S3 gave it, or why it did not. */
export type OwnFileReader = (uri: string) => Promise<Settled<StoredBytes>>;

/**
 * The placement finished: the job's own requirements file, when it has one, read into the model
 * (`TokenUnavailable` when S3 would not give it, `InstallerOptionConflict` for what pip would read two ways), then
 * the index placed in the run's arguments or in a file, as `TOKEN_DELIVERY` and the job allow. The draft, which
 * needs no read, is made when the job is judged, so that a job the launcher cannot serve costs no token.
 */
export async function finishPlacement(draft: PlacementDraft, readOwnFile: OwnFileReader): Promise<IndexPlacement> {
  const uri = draft.ownFile;
  if (uri === undefined) return placeIndex(draft, undefined);
  const read = await readOwnFile(uri);
  if (!read.ok) throw ownFileUnreadable(draft.jobName, uri, failureDetail(read.error));
  if ('tooLarge' in read.value) throw ownFileTooLarge(draft.jobName, uri, MAX_REQUIREMENTS_FILE_BYTES);
  return placeIndex(draft, checkOwnFile(draft.jobName, uri, read.value.bytes));
}

/**
 * What carries the index to a run: its URL, placed in its arguments, the requirements file written for it, or its
 * standing file, which its own DefaultArguments already name.
 */
export type Carried =
  | { readonly standing: string }
  | {
      readonly placement: Exclude<IndexPlacement, { readonly via: 'requirements-file' }>;
      readonly option: PipIndexOption;
      readonly url: string;
    }
  | { readonly file: string };

/**
 * The run's arguments: the job's defaults, the request's over them key by key (Glue's own precedence), then the
 * arguments that carry the index: its URL in the installer option or the modules value, or the file's S3 URI and
 * exactly `-r`.
 */
export function runArguments(
  job: PipJob,
  requestArguments: Arguments | undefined,
  carried: Carried,
): Record<string, string> {
  return {
    ...job.defaultArguments,
    ...requestArguments,
    ...('standing' in carried
      ? {}
      : 'file' in carried
        ? fileArguments(carried.file)
        : indexArguments(carried.placement, carried.option, carried.url)),
  };
}

/** The arguments that carry the index URL itself; none when there is nothing to install. */
export function indexArguments(
  placement: Exclude<IndexPlacement, { readonly via: 'requirements-file' }>,
  option: PipIndexOption,
  url: string,
): Record<string, string> {
  if (placement.via === 'installer-option') {
    return { [INSTALLER_OPTION]: withInstallerIndex(placement.options, option, url) };
  }
  return placement.items.length === 0 ? {} : { [MODULES_OPTION]: withShellIndex(placement.items, option, url) };
}

/** The arguments that name the requirements file holding the index: its S3 URI, and exactly `-r`. */
function fileArguments(uri: string): Record<string, string> {
  return {
    [MODULES_OPTION]: uri,
    [INSTALLER_OPTION]: FILE_INSTALLER_OPTION,
  };
}
