/**
 * pip's options as words, and the index options among them. pip parses with optparse, which takes any
 * unambiguous prefix of a long option (`--extra` is `--extra-index-url`; `--ex` could also be `--exists-action`).
 */
interface LongOption {
  readonly name: string;
  readonly shortest: string;
}
const INDEX_URL: LongOption = { name: '--index-url', shortest: '--ind' };
const EXTRA_INDEX_URL: LongOption = { name: '--extra-index-url', shortest: '--ext' };
const NO_INDEX: LongOption = { name: '--no-index', shortest: '--no-ind' };

/** The pip option the launcher puts its own index URL under: `PIP_INDEX_OPTION`. */
export type PipIndexOption = 'index-url' | 'extra-index-url';

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
