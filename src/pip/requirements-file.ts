import { installerOptionConflict } from '../errors';
import type { JobKind } from './job-kind';
import { keptWords, optionName, type PipIndexOption, scanPipOptions, swallowsNext, words } from './options';

/**
 * Requirements-file delivery (docs/adr/0011-requirements-file-delivery.md): the token goes into a short-lived S3
 * object that pip reads, not into the run's arguments. Glue 5.0 and later install `--additional-python-modules`
 * from an S3 requirements file when the installer option ends with `-r`, and pip reads `--index-url` lines inside
 * a requirements file.
 */
export type TokenDeliverySetting = 'arguments' | 'requirements-file' | 'auto';
/** Where one run's token went: in its arguments, or in a requirements file. */
export type TokenDelivery = 'arguments' | 'requirements-file';

export interface RequirementsLocation {
  readonly bucket: string;
  /** Ends with `/`, or is empty. */
  readonly prefix: string;
}

/** `TOKEN_DELIVERY` as configured: a delivery that writes files always knows where (src/input/config.ts). */
export type DeliverySetting =
  | { readonly mode: 'arguments' }
  | { readonly mode: 'requirements-file' | 'auto'; readonly location: RequirementsLocation };

/** The files' side of a delivery that writes them: where they go, and the store that writes them (`S`, a port). */
export type FileDelivery<S> = Extract<DeliverySetting, { readonly location: unknown }> & { readonly store: S };

/** The delivery a launch acts on: as configured, with the store when it writes files. */
export type Delivery<S> = { readonly mode: 'arguments' } | FileDelivery<S>;

/** What a run's requirements file is made of, known before the token exists. */
export interface FilePlan {
  /** The job's other pip options (its index options and `-r` removed), then the modules value's own options. */
  readonly options: readonly string[];
  /** The modules, one per line, in their order. */
  readonly requirements: readonly string[];
  /** The job's own S3 requirements file, whose lines are carried over. */
  readonly ownFile: string | undefined;
}

const S3_URI = /^s3:\/\/[^/\s]+\/\S+$/;

interface FileJob {
  readonly kind: JobKind;
  readonly glueVersion: string | undefined;
  /** Its `--additional-python-modules` is in NonOverridableArguments: a run cannot point it at a file. */
  readonly modulesFixed: boolean;
}

/** Why this job cannot take a requirements file, or undefined when it can. */
const unfit = ({ kind, glueVersion, modulesFixed }: FileJob, modules: readonly string[], ownFile: boolean) => {
  if (kind !== 'spark')
    return 'it is a Python shell job, and only Glue 5.0 and later Spark jobs read a requirements file';
  if (modulesFixed) return 'its --additional-python-modules is one of its NonOverridableArguments';
  if (!(Number.parseFloat(glueVersion ?? '') >= 5)) {
    return `it runs Glue ${glueVersion ?? '(unset)'}, and only Glue 5.0 and later read a requirements file from S3`;
  }
  if (!ownFile && modules.some((module) => module.startsWith('s3://'))) {
    return 'its --additional-python-modules names S3 objects, which pip cannot read from a requirements file';
  }
  return undefined;
};

/** Splits the modules value's words into pip options (with their values) and requirements. */
const sortWords = (moduleWords: readonly string[]) => {
  const options: string[] = [];
  const requirements: string[] = [];
  for (let i = 0; i < moduleWords.length; i += 1) {
    const word = moduleWords[i] as string;
    if (!word.startsWith('-')) requirements.push(word);
    else if (swallowsNext(word) && i + 1 < moduleWords.length) options.push(word, moduleWords[++i] as string);
    else options.push(word);
  }
  return { options, requirements };
};

/**
 * The file plan for a Spark job, or the reason it cannot have one. `installerOption` and `modules` are the run's
 * values as Glue will resolve them, already checked for index options (pip/placement.ts).
 */
export const filePlan = (
  job: FileJob,
  installerOption: string | undefined,
  modules: string | undefined,
): FilePlan | { readonly unfit: string } => {
  const own = keptWords(scanPipOptions(words(installerOption))).filter((word) => word !== '-r');
  const ownFile = modules !== undefined && S3_URI.test(modules.trim()) && words(installerOption).includes('-r');
  const moduleWords = ownFile ? [] : (modules ?? '').split(/[,\s]+/).filter((word) => word.length > 0);
  const why = unfit(job, moduleWords, ownFile);
  if (why) return { unfit: why };
  const { options, requirements } = sortWords(moduleWords);
  return { options: [...own, ...options], requirements, ownFile: ownFile ? modules?.trim() : undefined };
};

/** The run's installer option in this delivery: its other pip options, then `-r` for Glue to add the file. */
export const fileInstallerOption = (plan: FilePlan): string => [...plan.options, '-r'].join(' ');

/** A line of the job's own file, without index options; `undefined` when nothing of it is left. */
const ownLine = (jobName: string, line: string): string | undefined => {
  if (!line.trim().startsWith('-')) return line;
  const scan = scanPipOptions(words(line));
  if (scan.noIndex) {
    throw installerOptionConflict(
      jobName,
      `its requirements file holds ${optionName(scan.noIndex)}, so pip would ignore the CodeArtifact index; remove it`,
    );
  }
  const kept = keptWords(scan).join(' ');
  return kept === '' ? undefined : kept;
};

/** The file pip reads: the launcher's index line first, the modules, then the job's own file's lines. */
export const requirementsFileBody = (
  jobName: string,
  plan: FilePlan,
  option: PipIndexOption,
  url: string,
  ownFileText = '',
): string => {
  const carried = ownFileText.split(/\r?\n/).flatMap((line) => ownLine(jobName, line) ?? []);
  return [`--${option} ${url}`, ...plan.requirements, ...carried].join('\n').replace(/\n*$/, '\n');
};

/** Where one launch's file goes: `<prefix><job>/<date>/<launch id>.txt`, the job name encoded for a key. */
export const requirementsFileKey = (location: RequirementsLocation, jobName: string, now: Date, launchId: string) =>
  `${location.prefix}${encodeURIComponent(jobName)}/${now.toISOString().slice(0, 10)}/${launchId}.txt`;
