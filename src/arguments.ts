import type { PipIndexOption } from './config';
import { InstallerOptionConflict } from './errors';

/** Glue passes this value's words to `pip3 install`, then appends `--additional-python-modules`' value. */
export const INSTALLER_OPTION = '--python-modules-installer-option';

export type Arguments = Readonly<Record<string, string>>;

/**
 * A long option and its shortest spelling pip accepts: pip parses with optparse, which takes any
 * unambiguous prefix (`--extra` is `--extra-index-url`; `--ex` could also be `--exists-action`).
 */
interface LongOption {
  readonly name: string;
  readonly shortest: string;
}
const INDEX_URL: LongOption = { name: '--index-url', shortest: '--ind' };
const EXTRA_INDEX_URL: LongOption = { name: '--extra-index-url', shortest: '--ext' };
const NO_INDEX: LongOption = { name: '--no-index', shortest: '--no-ind' };

const spells = (word: string, option: LongOption): boolean => {
  const name = word.split('=', 1)[0] as string;
  return name.length >= option.shortest.length && option.name.startsWith(name);
};

const isIndexOption = (word: string) => spells(word, INDEX_URL) || spells(word, EXTRA_INDEX_URL);

export const words = (options: string | undefined): string[] =>
  options === undefined ? [] : options.split(/\s+/).filter((word) => word.length > 0);

/**
 * Drops every index option (`--index-url=X`, `--index-url X`, `-i X`, `-iX`, `--extra-index-url[=| ]X`
 * and their abbreviations), keeping every other word in its order: Glue 5's `-r` must stay last.
 */
export const withoutIndexOptions = (optionWords: readonly string[]): string[] => {
  const kept: string[] = [];
  for (let i = 0; i < optionWords.length; i += 1) {
    const word = optionWords[i] as string;
    if (word === '-i' || (isIndexOption(word) && !word.includes('='))) {
      i += 1; // its value is the next word
    } else if (!(word.startsWith('-i') && !word.startsWith('--')) && !isIndexOption(word)) {
      kept.push(word);
    }
  }
  return kept;
};

export const hasNoIndex = (optionWords: readonly string[]): boolean =>
  optionWords.some((word) => spells(word, NO_INDEX));

/** The installer option with our index first, then the other pip options as they were. */
export const rewriteInstallerOption = (
  existing: string | undefined,
  indexOption: PipIndexOption,
  url: string,
): string => [`--${indexOption}=${url}`, ...withoutIndexOptions(words(existing))].join(' ');

export interface JobArguments {
  readonly jobName: string;
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
}

/**
 * Checks, before any token exists, that the installer option can carry an index for this job.
 * Returns the installer option value the run will start from (the request's, else the default's).
 */
export const installerOptionBase = (job: JobArguments, requestArguments: Arguments | undefined): string | undefined => {
  if (Object.hasOwn(job.nonOverridableArguments, INSTALLER_OPTION)) {
    throw new InstallerOptionConflict(
      `Job ${job.jobName} sets ${INSTALLER_OPTION} in its NonOverridableArguments, so a run cannot be given the index URL; move it to DefaultArguments.`,
    );
  }
  const base = requestArguments?.[INSTALLER_OPTION] ?? job.defaultArguments[INSTALLER_OPTION];
  if (hasNoIndex(words(base))) {
    throw new InstallerOptionConflict(
      `Job ${job.jobName} has --no-index in ${INSTALLER_OPTION}, so pip would ignore the CodeArtifact index; remove --no-index.`,
    );
  }
  return base;
};

/**
 * The run's arguments: the job's defaults, the request's over them key by key (Glue's own precedence),
 * and the installer option rewritten to point pip at the given index.
 */
export const mergeArguments = (
  job: JobArguments,
  requestArguments: Arguments | undefined,
  indexOption: PipIndexOption,
  url: string,
): Record<string, string> => {
  const base = installerOptionBase(job, requestArguments);
  return {
    ...job.defaultArguments,
    ...requestArguments,
    [INSTALLER_OPTION]: rewriteInstallerOption(base, indexOption, url),
  };
};
