import { type PipIndexOption, scanPipOptions, swallowsNext } from './options';

/**
 * A Python shell 3.9 job reads pip's options from `--additional-python-modules` itself, after the modules (AWS's
 * example: `scikit-learn==0.21.3 -i https://pypi.python.org/simple/`); its `--python-modules-installer-option` is
 * not read. How Glue splits a value of several modules is not documented: commas and whitespace both separate
 * words here, as they would to a shell or to pip's requirement list (README, Job types).
 */
interface Part {
  /** The separator (commas, whitespace) before the word, as written. */
  readonly before: string;
  readonly word: string;
}

const partsOf = (value: string): Part[] =>
  [...value.matchAll(/([\s,]*)([^\s,]+)/g)].map(([, before = '', word = '']) => ({ before, word }));

export interface ModulesScan {
  /** The value without its index options, every other word as it was written, with the separators before it. */
  readonly rest: string;
  /** The index options found, with their values. */
  readonly index: readonly string[];
  /** A word that is, or could be, `--no-index`. */
  readonly noIndex: string | undefined;
  /** The last word left takes the next one as its value (`... --trusted-host`): it would swallow an appended index. */
  readonly swallowsIndex: boolean;
}

export const scanModulesValue = (value: string): ModulesScan => {
  const parts = partsOf(value);
  const scan = scanPipOptions(parts.map(({ word }) => word));
  const rest = scan.kept.map(({ at, word }, n) => `${n === 0 ? '' : (parts[at] as Part).before}${word}`).join('');
  const last = scan.kept.at(-1)?.word;
  return { rest, index: scan.index, noIndex: scan.noIndex, swallowsIndex: last !== undefined && swallowsNext(last) };
};

/** The option that gives pip the launcher's index, in the short form AWS's Python shell example uses. */
const indexWords = (option: PipIndexOption, url: string) =>
  option === 'index-url' ? ['-i', url] : ['--extra-index-url', url];

/** A scanned value (its `rest`) with the launcher's index option appended. */
export const withModulesIndex = (rest: string, option: PipIndexOption, url: string): string =>
  [rest, ...indexWords(option, url)].filter((part) => part.length > 0).join(' ');
