import { isRefused, type PipIndexOption, type Refused, readOptions } from './options';
import { formatRequirement, HASH, isRequirementRefusal, type Requirement, readRequirement } from './requirement';

/**
 * A requirements file, read as pip 23.2 reads it (pip/_internal/req/req_file.py and utils/encoding.py) into a model,
 * and written back from the model as the one text pip reads from the launcher
 * (docs/adr/0018-the-launcher-writes-what-pip-reads.md). The reading is as generous as pip's is plain: lines that
 * end with `\` continued (pip-compile's hashes), comments of any text, CRLF and every line break Python knows, a
 * UTF-8 BOM, a UTF-8 coding cookie. What pip would read otherwise than the launcher, or act on beyond an index, is
 * refused with its line and the fix. Nothing of the input text reaches pip: the writer's output is ASCII, LF, one
 * requirement per line with its hashes, the allowlisted options on lines of their own, no comments.
 */

/** What the launcher reads of a requirements file: the requirements and options it will write, and the index lines. */
export interface RequirementsSource {
  readonly requirements: readonly Requirement[];
  /** Allowlisted options pip accepts in a file, each as it will be written (`--only-binary=:all:`). */
  readonly options: readonly string[];
  /** Lines (1-based) that set an index: the launcher's index replaces them. */
  readonly indexLines: ReadonlyArray<{ readonly line: number; readonly option: string }>;
}

/** A refusal, with the line of the file it is about (0: the file as a whole). */
export type FileRefusal = Refused & { readonly line: number };

/** The largest requirements file the launcher reads (memory stays bounded). */
export const MAX_REQUIREMENTS_FILE_BYTES = 1024 * 1024;

/** Python's whitespace (`str.isspace`, and `\s` in a str pattern): what pip's comment pattern and `strip()` see. */
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** pip's COMMENT_RE, `(^|\s+)#.*$`, with Python's `\s`. */
const COMMENT = new RegExp(`(?:^|[${PY_SPACE}]+)#.*$`, 'su');
const COMMENT_LINE = new RegExp(`^(?:|[${PY_SPACE}]+)#`, 'u');
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');
/** Python's `str.splitlines`: every line break it knows, CRLF as one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are line breaks to Python
const PY_LINES = /\r\n|[\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029]/u;

const UTF8_NAMES = new Set(['utf_8', 'utf8', 'u8', 'utf', 'utf8_ucs2', 'utf8_ucs4', 'cp65001', 'utf_8_sig']);
const OTHER_BOMS: ReadonlyArray<[readonly number[], string]> = [
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32'],
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32'],
  [[0xff, 0xfe], 'UTF-16'],
  [[0xfe, 0xff], 'UTF-16'],
];
const SAVE_AS_UTF8 = 'save it as UTF-8 (without a coding line, or with # -*- coding: utf-8 -*-)';

/**
 * The file's text as pip decodes it, or why the launcher will not read it: pip decodes by a BOM, else by a coding
 * cookie in its first two lines (PEP 263; `# -*- coding: utf-7 -*-` made a comment an index line for pip), else by
 * the locale's encoding, which is UTF-8 on Glue. The launcher reads UTF-8 alone, strictly.
 */
export function decodeRequirements(bytes: Uint8Array): { readonly text: string } | FileRefusal {
  const starts = (prefix: readonly number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts([0xef, 0xbb, 0xbf])) return strictUtf8(bytes.subarray(3));
  for (const [bom, name] of OTHER_BOMS) {
    if (starts(bom)) return { refused: `it is ${name} text; ${SAVE_AS_UTF8}`, line: 0 };
  }
  let start = 0;
  for (const line of [1, 2]) {
    const end = bytes.indexOf(0x0a, start);
    const text = Buffer.from(bytes.subarray(start, end < 0 ? bytes.length : end)).toString('latin1');
    const cookie = text.startsWith('#') ? /coding[:=][ \t\n\r\f\v]*([-\w.]+)/.exec(text)?.[1] : undefined;
    if (cookie !== undefined && !UTF8_NAMES.has(cookie.toLowerCase().replace(/[- ]/g, '_'))) {
      return { refused: `it declares the coding ${cookie}, by which pip would decode it; ${SAVE_AS_UTF8}`, line };
    }
    if (cookie !== undefined || end < 0) break;
    start = end + 1;
  }
  return strictUtf8(bytes);
}

function strictUtf8(bytes: Uint8Array): { readonly text: string } | FileRefusal {
  if (bytes.includes(0)) return { refused: `it holds a NUL byte, as UTF-16 text does; ${SAVE_AS_UTF8}`, line: 0 };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { refused: `it is not UTF-8 text; ${SAVE_AS_UTF8}`, line: 0 };
  }
}

/**
 * pip's logical lines, each with the number of its first physical line: split as Python splits lines, joined where
 * a line ends with `\` (not a comment line, whose `\` ends nothing), comments removed, blank lines dropped.
 */
function logicalLines(text: string): Array<{ readonly line: number; readonly text: string }> {
  const physical = text.split(PY_LINES);
  if (physical.at(-1) === '') physical.pop();
  const joined: Array<{ line: number; text: string }> = [];
  let pending: { line: number; parts: string[] } | undefined;
  for (const [i, raw] of physical.entries()) {
    const comment = COMMENT_LINE.test(raw);
    if (!raw.endsWith('\\') || comment) {
      const line = comment ? ` ${raw}` : raw;
      if (pending) {
        joined.push({ line: pending.line, text: [...pending.parts, line].join('') });
        pending = undefined;
      } else joined.push({ line: i + 1, text: line });
    } else {
      pending ??= { line: i + 1, parts: [] };
      pending.parts.push(raw.replace(/^\\+|\\+$/g, ''));
    }
  }
  if (pending) joined.push({ line: pending.line, text: pending.parts.join('') });
  return joined
    .map(({ line, text }) => ({ line, text: text.replace(COMMENT, '').replace(PY_STRIP, '') }))
    .filter(({ text }) => text !== '');
}

/** The refusal of anything but printable ASCII outside comments: a requirement or an option is ASCII. */
function oddCharacter(text: string): string | undefined {
  const odd = /[^\x20-\x7e\t]/u.exec(text);
  if (!odd) return undefined;
  const code = (odd[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
  return `the character U+${code} outside a comment (a requirement or an option is ASCII)`;
}

/**
 * A requirements file's text, read into the model, or its first refused line with why. A line's words up to the
 * first that starts with `-` are its requirement, the rest its options (pip's break_args_options): a requirement
 * may carry only `--hash`; a line of options may hold the allowlisted ones pip accepts in a file, and index options,
 * which are dropped.
 */
export function readRequirementsText(text: string): RequirementsSource | FileRefusal {
  const requirements: Requirement[] = [];
  const options: string[] = [];
  const indexLines: Array<{ line: number; option: string }> = [];
  for (const { line, text: logical } of logicalLines(text)) {
    const refuse = (refused: string): FileRefusal => ({ refused, line });
    const odd = oddCharacter(logical);
    if (odd) return refuse(odd);
    if (logical.includes('$')) return refuse(`a $, which pip expands from its environment (\${VAR})`);
    const tokens = logical.split(' ');
    const first = tokens.findIndex((token) => token.startsWith('-'));
    const args = (first < 0 ? tokens : tokens.slice(0, first)).join(' ').trim();
    const optionText = first < 0 ? '' : tokens.slice(first).join(' ');
    // pip splits a line's options as a shell would (shlex): a quote or a backslash there means what the shell says.
    if (/["'\\`]/.test(optionText) || /[\\`]/.test(args)) {
      return refuse('a quote or a backslash among its options (pip reads them as a shell would; write each plainly)');
    }
    const words = optionText.split(/[ \t]+/).filter(Boolean);
    if (args === '') {
      if (words.some((word) => word === '--hash' || word.startsWith('--hash='))) {
        return refuse(
          'a --hash with no requirement before it on its line (continue the requirement with \\, as pip-compile writes it)',
        );
      }
      const read = readOptions(words, { allow: (option) => option.effect === 'file' });
      if (isRefused(read)) {
        const word = /^the word (\S+?),/.exec(read.refused)?.[1];
        return refuse(
          word !== undefined
            ? `the word ${word} among a line's options, which pip ignores there (remove it, or give it a line of its own)`
            : `${read.refused}, which a requirements file of the launcher's may not hold`,
        );
      }
      for (const option of read.index) indexLines.push({ line, option });
      options.push(...read.kept.map((kept) => kept.replace(' ', '=')));
      continue;
    }
    // After a requirement: its hashes, and index options, which pip ignores there and the launcher drops like any
    // other index line (its own replaces them under either reading); any other option is refused.
    const hashes: string[] = [];
    const others: string[] = [];
    for (let at = 0; at < words.length; at += 1) {
      const word = words[at] as string;
      if (word !== '--hash' && !word.startsWith('--hash=')) {
        others.push(word);
        continue;
      }
      const value = word === '--hash' ? words[++at] : word.slice(7);
      if (value === undefined || !HASH.test(value)) {
        return refuse(
          `the hash ${JSON.stringify(value ?? '')} (sha256, sha384 or sha512, then a colon and lowercase hex)`,
        );
      }
      hashes.push(value);
    }
    const extra = readOptions(others, { allow: () => false });
    const ignored = isRefused(extra) ? readOptions(others, { allow: (option) => option.effect === 'file' }) : undefined;
    if (ignored !== undefined && !isRefused(ignored)) {
      return refuse(
        `${ignored.kept.join(' ')} after a requirement, which pip ignores there (put it on a line of its own to have it read)`,
      );
    }
    if (isRefused(extra)) {
      const word = /^the word (\S+?),/.exec(extra.refused)?.[1];
      const option = /^(?:the pip option |a value for )?(\S+)/.exec(extra.refused)?.[1] ?? others[0];
      return refuse(
        word !== undefined
          ? `the word ${word} among a requirement's options, which pip ignores there (remove it, or give it a line of its own)`
          : `the option ${option} after a requirement, which may carry only --hash (put other options on a line of their own)`,
      );
    }
    for (const option of extra.index) indexLines.push({ line, option });
    const requirement = readRequirement(args, { hashes });
    if (isRequirementRefusal(requirement)) return refuse(requirement.refused);
    requirements.push(requirement);
  }
  return { requirements, options, indexLines };
}

/** A requirements file's bytes, decoded as pip decodes them and read into the model. */
export function readRequirementsFile(bytes: Uint8Array): RequirementsSource | FileRefusal {
  const decoded = decodeRequirements(bytes);
  return 'text' in decoded ? readRequirementsText(decoded.text) : decoded;
}

/** What a written requirements file holds: the launcher's index, options, then requirements. */
export interface RequirementsContent {
  readonly options: readonly string[];
  readonly requirements: readonly Requirement[];
}

/**
 * The one text pip reads from the launcher: the index line first, the options (each once, in their order), then
 * one requirement per line with its hashes. ASCII and LF only; nothing of any input's text but what the model holds.
 */
export function writeRequirementsFile(content: RequirementsContent, option: PipIndexOption, url: string): string {
  return `${[`--${option} ${url}`, ...new Set(content.options), ...content.requirements.map(formatRequirement)].join('\n')}\n`;
}
