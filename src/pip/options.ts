/**
 * pip's options, read as pip reads them (optparse): a long option may be abbreviated to any unambiguous prefix and
 * take its value after `=` or as the next word; short options combine (`-Uqi URL`), a value-taking one taking the
 * rest of its group or the next word. The tables are `pip install`'s (pip 23.2; test/integration/pip-options.test.ts
 * holds them to the machine's pip and runs real pip on the rewritten words).
 */
export type PipOptionKind = 'index' | 'no-index' | 'value' | 'flag';
type Kind = PipOptionKind;

const longOptions = (kind: Kind, names: string): Array<[string, Kind]> =>
  names.split(' ').map((name) => [`--${name}`, kind]);

export const PIP_LONG_OPTIONS: ReadonlyMap<string, Kind> = new Map([
  ...longOptions('index', 'index-url pypi-url extra-index-url'),
  ...longOptions('no-index', 'no-index'),
  ...longOptions(
    'value',
    'abi cache-dir cert client-cert config-settings constraint default-timeout editable exists-action find-links ' +
      'global-option implementation keyring-provider local-log log log-file no-binary only-binary platform prefix ' +
      'progress-bar proxy python python-version report requirement retries root root-user-action source source-dir ' +
      'source-directory src target timeout trusted-host upgrade-strategy use-deprecated use-feature',
  ),
  ...longOptions(
    'flag',
    'break-system-packages check-build-dependencies compile debug disable-pip-version-check dry-run force-reinstall ' +
      'help ignore-installed ignore-requires-python isolated no-build-isolation no-cache-dir no-clean no-color ' +
      'no-compile no-dependencies no-deps no-input no-python-version-warning no-use-pep517 no-user no-warn-conflicts ' +
      'no-warn-script-location pre prefer-binary quiet require-hashes require-venv require-virtualenv upgrade ' +
      'use-pep517 user verbose version',
  ),
]);
/** Short options that take a value; `-i` is the index. Any other letter is read as a flag. */
export const PIP_SHORT_WITH_VALUE: ReadonlySet<string> = new Set(['C', 'c', 'e', 'f', 'i', 'r', 't']);

/** The pip option the launcher puts its own index URL under: `PIP_INDEX_OPTION`. */
export type PipIndexOption = 'index-url' | 'extra-index-url';

/**
 * What a long option word (without its `=value`) can mean to pip. Exact names win; a prefix that could be an index
 * option counts as one, even when pip would find it ambiguous and refuse it: removing it is safe, keeping it is not.
 */
const longKind = (name: string): Kind => {
  const exact = PIP_LONG_OPTIONS.get(name);
  if (exact) return exact;
  const meanings = new Set(
    [...PIP_LONG_OPTIONS].filter(([option]) => name.length > 2 && option.startsWith(name)).map(([, k]) => k),
  );
  if (meanings.has('no-index')) return 'no-index';
  if (meanings.has('index')) return 'index';
  return meanings.size === 1 && meanings.has('value') ? 'value' : 'flag';
};

/** Whether a word, wherever it stands, could be read by pip as an index option (or `--no-index`). */
const indexLike = (word: string): Kind | undefined => {
  if (word.startsWith('--')) {
    const kind = longKind(word.split('=', 1)[0] as string);
    return kind === 'index' || kind === 'no-index' ? kind : undefined;
  }
  return /^-[^-]/.test(word) && shortGroup(word, undefined).dropped ? 'index' : undefined;
};

/** A group of short options: what stays, and whether it held `-i` (and with it, takes the next word). */
const shortGroup = (word: string, next: string | undefined): { kept: string; dropped: boolean; takesNext: boolean } => {
  for (let at = 1; at < word.length; at += 1) {
    const letter = word[at] as string;
    if (!PIP_SHORT_WITH_VALUE.has(letter)) continue;
    const valueInGroup = at + 1 < word.length;
    if (letter === 'i') return { kept: at > 1 ? word.slice(0, at) : '', dropped: true, takesNext: !valueInGroup };
    // Another value-taking letter: the rest of the group, or the next word, is its value.
    return { kept: word, dropped: false, takesNext: !valueInGroup && next !== undefined && !indexLike(next) };
  }
  return { kept: word, dropped: false, takesNext: false };
};

/** A word pip would still read, and where it stood among the words scanned (a short group may have lost its `i`). */
export interface KeptWord {
  readonly at: number;
  readonly word: string;
}

export interface PipScan {
  /** The words pip would still read, in their order, with every index option and its value removed. */
  readonly kept: readonly KeptWord[];
  /** The index options found (each with its value), as they were written. */
  readonly index: readonly string[];
  /** A word that is, or could be, `--no-index`. */
  readonly noIndex: string | undefined;
}

/** Reads pip option words the way pip would, keeping every word but the index options (and their values). */
export const scanPipOptions = (words: readonly string[]): PipScan => {
  const kept: KeptWord[] = [];
  const index: string[] = [];
  let noIndex: string | undefined;
  const keep = (at: number, word = words[at] as string) => kept.push({ at, word });
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const next = words[i + 1];
    if (word.startsWith('--') && word.length > 2) {
      const kind = longKind(word.split('=', 1)[0] as string);
      const takesNext =
        !word.includes('=') && next !== undefined && (kind === 'index' || (kind === 'value' && !indexLike(next)));
      if (kind === 'no-index') noIndex ??= word;
      if (kind === 'index') index.push(takesNext ? `${word} ${next}` : word);
      else {
        keep(i);
        if (takesNext) keep(i + 1);
      }
      if (takesNext) i += 1;
    } else if (/^-[^-]/.test(word)) {
      const group = shortGroup(word, next);
      if (group.kept) keep(i, group.kept);
      if (group.dropped) index.push(group.takesNext && next !== undefined ? `${word} ${next}` : word);
      else if (group.takesNext) keep(i + 1);
      if (group.takesNext) i += 1;
    } else {
      keep(i);
    }
  }
  return { kept, index, noIndex };
};

/** Whether pip reads the word after this one as this option's value, whatever that word is. */
export const swallowsNext = (word: string): boolean => {
  if (word.startsWith('--')) {
    const kind = longKind(word);
    return !word.includes('=') && (kind === 'value' || kind === 'index');
  }
  if (!/^-[^-]/.test(word)) return false;
  const at = [...word.slice(1)].findIndex((letter) => PIP_SHORT_WITH_VALUE.has(letter));
  return at === word.length - 2;
};

/** The words pip would still read. */
export const keptWords = (scan: PipScan): string[] => scan.kept.map(({ word }) => word);

/** The option a found word names, without its value: `--index-url=X` and `-qiX` are `--index-url` and `-qi`. */
export const optionName = (found: string): string =>
  found.startsWith('--') ? (found.split(/[ =]/)[0] as string) : (/^-[^i ]*i?/.exec(found)?.[0] ?? found);

export const words = (options: string | undefined): string[] =>
  options === undefined ? [] : options.split(/\s+/).filter((word) => word.length > 0);

/** The installer option: our index first, then the other pip options (already scanned) as they were. */
export const withInstallerIndex = (options: readonly string[], indexOption: PipIndexOption, url: string): string =>
  [`--${indexOption}=${url}`, ...options].join(' ');
