import { checkCharacters, checkPrintable, isRefused, type Refused, readOptions, words } from './options';

/**
 * Requirements, read by a strict grammar (docs/adr/0013-strict-grammars-at-the-boundary.md): a plain PEP 508
 * requirement (a name, extras, version specifiers, in a file an environment marker) and nothing pip would fetch
 * from elsewhere: no URL, no `@`, no option but a requirement's own `--hash`, no `\` continuation, no `${VAR}`,
 * nothing outside printable ASCII.
 */

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
const VERSION = '[A-Za-z0-9.*+!_-]+';
const OP = '(?:~=|===|==|!=|<=|>=|<|>)';

/**
 * An item of a modules value: no spaces (a split at spaces would cut it), one extra and one specifier at most (a
 * split at commas would cut a list), no marker (it needs quotes).
 */
const ITEM = new RegExp(`^${NAME}(?:\\[${NAME}\\])?(?:${OP}${VERSION})?$`);

/** A wheel in S3, which Glue installs itself (Spark jobs, arguments delivery). */
export const S3_WHEEL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9._/+=-]+\.whl$/;
/** A job's own requirements file in S3 (Glue 5's `-r`). */
export const S3_FILE = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9._/+=-]+$/;

export const isRequirementItem = (item: string): boolean => ITEM.test(item);

// A requirement line of a file: spaces may stand between the parts, as packaging reads them.
const S = ' *';
const SPECS = `${OP}${S}${VERSION}(?:${S},${S}${OP}${S}${VERSION})*`;
const EXTRAS = `\\[${S}${NAME}(?:${S},${S}${NAME})*${S}\\]`;
const REQUIREMENT = new RegExp(`^${NAME}${S}(?:${EXTRAS})?${S}(?:${SPECS})?$`);

const MARKER_VARIABLES = new Set([
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
]);
const MARKER_TOKEN =
  /\s*(\(|\)|and\b|or\b|not in\b|in\b|===|==|!=|<=|>=|~=|<|>|"[A-Za-z0-9._*+!-]*"|'[A-Za-z0-9._*+!-]*'|[a-z_]+)/y;

/** A PEP 508 marker of variables, quoted values without spaces, comparisons, `and`, `or` and parentheses. */
const isMarker = (text: string): boolean => {
  const tokens: string[] = [];
  MARKER_TOKEN.lastIndex = 0;
  while (MARKER_TOKEN.lastIndex < text.trimEnd().length) {
    const match = MARKER_TOKEN.exec(text);
    if (!match) return false;
    tokens.push(match[1] as string);
  }
  let at = 0;
  const operand = () => {
    const token = tokens[at++] ?? '';
    return MARKER_VARIABLES.has(token) || /^["']/.test(token);
  };
  const comparison = (): boolean => {
    if (tokens[at] === '(') {
      at += 1;
      if (!expression() || tokens[at++] !== ')') return false;
      return true;
    }
    if (!operand()) return false;
    if (!/^(?:===|==|!=|<=|>=|~=|<|>|in|not in)$/.test(tokens[at++] ?? '')) return false;
    return operand();
  };
  const expression = (): boolean => {
    if (!comparison()) return false;
    while (tokens[at] === 'and' || tokens[at] === 'or') {
      at += 1;
      if (!comparison()) return false;
    }
    return true;
  };
  return tokens.length > 0 && expression() && at === tokens.length;
};

const HASH = /^--hash(?:=| )(?:sha256|sha384|sha512):[0-9a-f]{32,128}$/;

/** One line of a job's own requirements file, as the launcher reads it. */
export type FileLine =
  | { readonly kind: 'requirement'; readonly text: string }
  | { readonly kind: 'options'; readonly text: string; readonly index: readonly string[] };

/**
 * A line of a requirements file without its comment (pip: `(^|\s+)#.*$`), or what is wrong with it. Index options
 * are reported, for the caller to drop or refuse; allowlisted options pip accepts in a file are kept.
 */
export const readLine = (line: string): FileLine | Refused | undefined => {
  const odd = checkPrintable(line);
  if (odd) return odd;
  if (/[\\`]/.test(line)) return { refused: 'a backslash or a backquote (pip joins a line ending in \\ to the next)' };
  if (line.includes('${')) return { refused: 'a ${, which pip expands from its environment' };
  const text = line.replace(/(^| +)#.*$/, '').trim();
  if (text === '') return undefined;
  if (text.startsWith('-')) {
    const quoted = checkCharacters(text);
    if (quoted) return quoted;
    const read = readOptions(words(text), { allow: (option) => option.inFile });
    if (isRefused(read)) return read;
    return { kind: 'options', text: read.kept.join(' '), index: read.index };
  }
  // pip reads the words up to the first that starts with `-` as the requirement, the rest as its options.
  const all = text.split(' ');
  const first = all.findIndex((word) => word.startsWith('-'));
  const requirement = (first < 0 ? all : all.slice(0, first)).join(' ');
  const options = first < 0 ? [] : all.slice(first).filter((word) => word !== '');
  const [spec, marker] = requirement.split(/;(.*)/s);
  if (!REQUIREMENT.test((spec as string).trim())) {
    return { refused: 'a requirement that is not plain (a name, extras, version specifiers: no URL, no @)' };
  }
  if (marker !== undefined && !isMarker(marker))
    return { refused: 'an environment marker that pip may not read plainly' };
  for (let at = 0; at < options.length; at += 1) {
    const word = options[at] === '--hash' ? `--hash ${options[++at] ?? ''}` : (options[at] as string);
    if (!HASH.test(word))
      return { refused: `the option ${word.split(/[ =]/)[0]} (a requirement may carry only --hash)` };
  }
  return { kind: 'requirement', text };
};

/** A job's own requirements file: its lines as the launcher will use them, and where it names an index. */
export interface OwnFile {
  /** Requirement lines and allowlisted option lines, without comments, blank lines and index options. */
  readonly lines: readonly string[];
  /** Lines (1-based) that set an index: dropped in a file delivery, refused in arguments delivery. */
  readonly indexLines: ReadonlyArray<{ readonly line: number; readonly option: string }>;
}

/** The largest own requirements file the launcher reads (memory stays bounded). */
export const MAX_OWN_FILE_BYTES = 1024 * 1024;

/** A job's own requirements file, read line by line (lines end at `\n`, or `\r\n`), or the first line refused. */
export const readOwnFile = (text: string): OwnFile | (Refused & { readonly line: number }) => {
  const lines: string[] = [];
  const indexLines: Array<{ line: number; option: string }> = [];
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  for (const [n, raw] of all.entries()) {
    const read = readLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (read === undefined) continue;
    if (isRefused(read)) return { ...read, line: n + 1 };
    if (read.kind === 'options' && read.index.length > 0)
      indexLines.push({ line: n + 1, option: read.index[0] as string });
    if (read.text !== '') lines.push(read.text);
  }
  return { lines, indexLines };
};
