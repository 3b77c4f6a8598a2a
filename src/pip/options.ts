/**
 * pip's options, read by a strict grammar (docs/adr/0013-strict-grammars-at-the-boundary.md): the launcher keeps
 * only options whose meaning is the same under every reading (pip's optparse, a split at spaces, a split that
 * honours quotes) and that fetch and run nothing from elsewhere. Index options, in every spelling pip 23.2 accepts
 * (abbreviations, `=` or a separate value, combined short flags such as `-Ui URL`), are found and removed: the
 * launcher's index replaces them. Everything else is refused, named.
 */

/** Why a value or a word is refused: one phrase, naming what was found. */
export type Refused = { readonly refused: string };
export function isRefused(value: unknown): value is Refused {
  return typeof value === 'object' && value !== null && 'refused' in value;
}

/** The pip option the launcher puts its own index URL under: `PIP_INDEX_OPTION`. */
export type PipIndexOption = 'index-url' | 'extra-index-url';

type Meaning = 'index' | 'no-index' | 'value' | 'flag';

function longOptions(meaning: Meaning, names: string): Array<[string, Meaning]> {
  return names.split(' ').map((name) => [`--${name}`, meaning]);
}

/**
 * `pip install`'s long options (pip 23.2; test/integration/pip-options.test.ts holds the table to the machine's
 * pip), used only to recognise an index option in every spelling pip accepts: optparse takes any unambiguous prefix.
 */
export const PIP_LONG_OPTIONS: ReadonlyMap<string, Meaning> = new Map([
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
/** Short options that take a value; `-i` is the index. */
export const PIP_SHORT_WITH_VALUE: ReadonlySet<string> = new Set(['C', 'c', 'e', 'f', 'i', 'r', 't']);

/**
 * What a long option word (without its `=value`) can mean to pip. Exact names win; a prefix that could be an index
 * option counts as one, even when pip would find it ambiguous and refuse it: removing it is safe, keeping it is not.
 */
function longMeaning(name: string): Meaning | undefined {
  const exact = PIP_LONG_OPTIONS.get(name);
  if (exact) return exact;
  const meanings = new Set(
    [...PIP_LONG_OPTIONS].filter(([option]) => name.length > 2 && option.startsWith(name)).map(([, k]) => k),
  );
  if (meanings.has('no-index')) return 'no-index';
  if (meanings.has('index')) return 'index';
  return undefined;
}

const NAMES = '[A-Za-z0-9][A-Za-z0-9._-]*(?:,[A-Za-z0-9][A-Za-z0-9._-]*)*';
const BINARY = new RegExp(`^(?::all:|:none:|${NAMES})$`);

/**
 * What an allowlisted option does, which decides where it may go (docs/adr/0018-the-launcher-writes-what-pip-reads.md):
 * `file`, pip also accepts it as a line of a requirements file, where file delivery moves it; `output`, it changes
 * what pip prints or how long it waits, never what it installs, so file delivery drops it; `command-line`, it
 * changes what is installed and pip takes it only on its command line, so a job with it cannot take a file (whose
 * run's installer option is exactly `-r`).
 */
export type OptionEffect = 'file' | 'output' | 'command-line';

/** An option the launcher lets through: it fetches and runs nothing from anywhere but the launcher's index. */
export interface AllowedOption {
  /** Its exact spellings: no abbreviation (another pip version could read one apart). */
  readonly names: readonly string[];
  /** The grammar of its value, when it takes one (after `=`, or as the next word). */
  readonly value?: RegExp;
  readonly effect: OptionEffect;
  /** Why it is safe, for docs/pip-options.md. */
  readonly reason: string;
}

/** The allowlist (docs/pip-options.md shows it, a reason per row; a contract test holds the two together). */
export const ALLOWED_OPTIONS: readonly AllowedOption[] = [
  { names: ['-U', '--upgrade'], effect: 'command-line', reason: 'upgrades from the same index' },
  {
    names: ['--upgrade-strategy'],
    value: /^(?:eager|only-if-needed)$/,
    effect: 'command-line',
    reason: 'chooses which dependencies are upgraded',
  },
  { names: ['--no-deps'], effect: 'command-line', reason: 'installs less' },
  { names: ['--force-reinstall'], effect: 'command-line', reason: 'reinstalls from the same index' },
  { names: ['-I', '--ignore-installed'], effect: 'command-line', reason: 'ignores what the image has installed' },
  { names: ['--pre'], effect: 'file', reason: 'lets the same index offer pre-releases' },
  { names: ['--prefer-binary'], effect: 'file', reason: 'prefers wheels from the same index' },
  { names: ['--only-binary'], value: BINARY, effect: 'file', reason: 'wheels only: builds nothing' },
  { names: ['--no-binary'], value: BINARY, effect: 'file', reason: 'sdists from the same index' },
  { names: ['--require-hashes'], effect: 'file', reason: 'stricter: every requirement must carry its hash' },
  { names: ['--no-cache-dir'], effect: 'output', reason: 'a cold cache, nothing else' },
  { names: ['-q', '--quiet'], effect: 'output', reason: 'less output' },
  { names: ['-v', '--verbose'], effect: 'output', reason: 'more output (the index URL is masked by pip)' },
  { names: ['--progress-bar'], value: /^(?:on|off)$/, effect: 'output', reason: 'how progress is shown' },
  { names: ['--disable-pip-version-check'], effect: 'output', reason: 'no check for a newer pip' },
  { names: ['--no-color'], effect: 'output', reason: 'plain output' },
  { names: ['--no-input'], effect: 'output', reason: 'never prompts' },
  { names: ['--no-warn-conflicts'], effect: 'output', reason: 'one warning fewer' },
  { names: ['--no-warn-script-location'], effect: 'output', reason: 'one warning fewer' },
  {
    names: ['--root-user-action'],
    value: /^(?:warn|ignore)$/,
    effect: 'output',
    reason: 'whether pip warns when it runs as root',
  },
  { names: ['--timeout'], value: /^\d{1,4}(?:\.\d{1,3})?$/, effect: 'output', reason: 'socket timeout, in seconds' },
  { names: ['--retries'], value: /^\d{1,2}$/, effect: 'output', reason: 'retries against the same index' },
];

/**
 * The short flags that take no value, which may stand together in one word as every optparse reads them (`-qq`,
 * `-Uq`): the launcher writes them apart.
 */
const SHORT_FLAGS = /^-[UqvI]{2,}$/;

const BY_NAME: ReadonlyMap<string, AllowedOption> = new Map(
  ALLOWED_OPTIONS.flatMap((option) => option.names.map((name) => [name, option] as const)),
);

/** Characters outside printable ASCII: every installer splits lines and words at some of them, each at its own. */
export function checkPrintable(text: string): Refused | undefined {
  const odd = /[^\x20-\x7e]/.exec(text);
  if (!odd) return undefined;
  const code = (odd[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
  return { refused: `the character U+${code} (only printable ASCII and spaces read the same everywhere)` };
}

/** What an option word may not hold: it reads differently to a split at spaces and to one honouring quotes. */
export function checkCharacters(text: string): Refused | undefined {
  const odd = checkPrintable(text);
  if (odd) return odd;
  const quote = /["'`\\]/.exec(text);
  return quote
    ? { refused: `a ${quote[0]} (quotes and backslashes read differently to different installers)` }
    : undefined;
}

/** An index option found at `words[at]` (any spelling pip accepts), and how many words it takes. */
interface IndexFound {
  readonly option: string;
  readonly words: number;
  /** The flags before `i` in a combined short group (`-Ui URL`), which stay. */
  readonly flags: readonly string[];
}

function indexAt(words: readonly string[], at: number): IndexFound | Refused | undefined {
  const word = words[at] as string;
  const takesNext = at + 1 < words.length ? 2 : 1;
  if (word.startsWith('--')) {
    const name = word.split('=', 1)[0] as string;
    const meaning = longMeaning(name);
    if (meaning === 'no-index') return { refused: `${name}, with which pip would ignore every index` };
    if (meaning !== 'index') return undefined;
    return { option: name, words: word.includes('=') ? 1 : takesNext, flags: [] };
  }
  const group = /^-([A-Za-z]+)(.*)$/.exec(word);
  const letters = group?.[1] ?? '';
  const at_i = letters.indexOf('i');
  if (at_i < 0) return undefined;
  const before = letters.slice(0, at_i);
  for (const letter of before) {
    // A value-taking letter before `i` takes the rest as its value: this is not an index option, and not allowed.
    if (PIP_SHORT_WITH_VALUE.has(letter) || !BY_NAME.has(`-${letter}`)) return undefined;
  }
  const valueInWord = at_i + 1 < letters.length || (group?.[2] ?? '') !== '';
  return {
    option: `-${letters.slice(0, at_i + 1)}`,
    words: valueInWord ? 1 : takesNext,
    flags: [...before].map((letter) => `-${letter}`),
  };
}

export interface ReadOptions {
  /** The options pip will read, index options removed, in their order: one entry per option, with its value. */
  readonly kept: readonly string[];
  /** The allowlisted options kept, one per entry of `kept`, for deciding what each delivery does with it. */
  readonly options: readonly AllowedOption[];
  /** The index options found and removed, by the name they were written with. */
  readonly index: readonly string[];
  /** Glue 5's bare `-r` stood last: the modules value names a requirements file. */
  readonly trailingR: boolean;
}

export interface ReadRules {
  /** Which allowlisted options may stand here (all, those pip accepts in a file, or none). */
  readonly allow: (option: AllowedOption) => boolean;
  /** A bare `-r` may stand last (the installer option of a Spark job with its own requirements file). */
  readonly trailingR?: boolean;
}

/**
 * Reads pip option words by the strict grammar: each word an index option (removed, with its value), an
 * allowlisted option in one of its exact spellings (with a value of its grammar), or, where the rules allow, a
 * bare `-r` last. Anything else is refused, named.
 */
export function readOptions(words: readonly string[], rules: ReadRules): ReadOptions | Refused {
  const kept: string[] = [];
  const options: AllowedOption[] = [];
  const index: string[] = [];
  let trailingR = false;
  for (let at = 0; at < words.length; ) {
    const word = words[at] as string;
    const found = indexAt(words, at);
    if (found && isRefused(found)) return found;
    if (found) {
      index.push(found.option);
      for (const flag of found.flags) {
        const allowed = BY_NAME.get(flag) as AllowedOption;
        if (!rules.allow(allowed)) return { refused: `the pip option ${flag} (in ${found.option})` };
        kept.push(flag);
        options.push(allowed);
      }
      at += found.words;
      continue;
    }
    if (word === '-r' && rules.trailingR && at === words.length - 1) {
      trailingR = true;
      at += 1;
      continue;
    }
    if (!word.startsWith('-')) return { refused: `the word ${word}, which is not a pip option` };
    if (SHORT_FLAGS.test(word)) {
      for (const letter of word.slice(1)) {
        const allowed = BY_NAME.get(`-${letter}`) as AllowedOption;
        if (!rules.allow(allowed)) return { refused: `the pip option -${letter} (in ${word})` };
        kept.push(`-${letter}`);
        options.push(allowed);
      }
      at += 1;
      continue;
    }
    const [name, inline] = word.startsWith('--') && word.includes('=') ? word.split(/=(.*)/s) : [word, undefined];
    const allowed = BY_NAME.get(name as string);
    if (!allowed || !rules.allow(allowed)) return { refused: `the pip option ${name}` };
    if (!allowed.value) {
      if (inline !== undefined) return { refused: `a value for ${name}, which takes none` };
      kept.push(word);
      at += 1;
    } else {
      const value = inline ?? words[at + 1];
      if (value === undefined || !allowed.value.test(value)) {
        return { refused: `${name} with the value ${JSON.stringify(value ?? '')}` };
      }
      kept.push(inline === undefined ? `${word} ${value}` : word);
      at += inline === undefined ? 2 : 1;
    }
    options.push(allowed);
  }
  return { kept, options, index, trailingR };
}

/** The words with every index option (and its value) removed: what is left, and which index options were found. */
export function withoutIndexOptions(
  words: readonly string[],
): { readonly rest: readonly string[]; readonly index: readonly string[] } | Refused {
  const rest: string[] = [];
  const index: string[] = [];
  for (let at = 0; at < words.length; ) {
    const found = indexAt(words, at);
    if (found && isRefused(found)) return found;
    if (found && found.flags.length > 0) return { refused: `the pip options ${found.option} (one option per word)` };
    if (found) index.push(found.option);
    else rest.push(words[at] as string);
    at += found ? found.words : 1;
  }
  return { rest, index };
}

/** Words split at ASCII spaces: the one separator every reading agrees on (after checkCharacters). */
export function words(text: string | undefined): string[] {
  return (text ?? '').split(' ').filter((word) => word.length > 0);
}

/** The installer option: the launcher's index first, then the other options as they were. */
export function withInstallerIndex(options: readonly string[], indexOption: PipIndexOption, url: string): string {
  return [`--${indexOption}=${url}`, ...options].join(' ');
}
