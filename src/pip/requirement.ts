/**
 * One requirement, as a model the launcher writes pip's text from (docs/adr/0018-the-launcher-writes-what-pip-reads.md):
 * a plain PEP 508 requirement, a name, extras, version specifiers and an environment marker, and the hashes pip
 * checks it against. Nothing pip would fetch from elsewhere: no URL, no `@`, no path, no archive file name.
 */

/** A requirement pip reads from the launcher's index alone. */
export interface Requirement {
  readonly name: string;
  readonly extras: readonly string[];
  /** Each an operator and a version, `>=1.4`, in their order. */
  readonly specifiers: readonly string[];
  /** The environment marker's tokens, joined by single spaces, quotes double: `python_version < "3.12"`. */
  readonly marker?: string;
  /** `sha256:<hex>` and the like, in their order. */
  readonly hashes: readonly string[];
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const VERSION = /^[A-Za-z0-9.*+!_-]+$/;
const OPERATORS = ['~=', '===', '==', '!=', '<=', '>=', '<', '>'] as const;
export const HASH = /^(?:sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

/**
 * pip takes a requirement whose name ends so for a file to install (`is_archive_file` in pip's utils/filetypes.py):
 * `foo.whl` is a path on the machine, not a project on the index.
 */
const ARCHIVE = /\.(?:whl|zip|tar|tgz|tbz|txz|tlz|tar\.gz|tar\.bz2|tar\.xz|tar\.lz|tar\.lzma)$/i;

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
  /[ \t]*(\(|\)|and\b|or\b|not[ \t]+in\b|in\b|===|==|!=|<=|>=|~=|<|>|"[A-Za-z0-9._*+!-]*"|'[A-Za-z0-9._*+!-]*'|[a-z_]+)/y;

/** A PEP 508 marker of variables, quoted values without spaces, comparisons, `and`, `or` and parentheses; canonical. */
function readMarker(text: string): string | undefined {
  const tokens: string[] = [];
  const trimmed = text.replace(/[ \t]+$/, '');
  MARKER_TOKEN.lastIndex = 0;
  while (MARKER_TOKEN.lastIndex < trimmed.length) {
    const match = MARKER_TOKEN.exec(trimmed);
    if (!match) return undefined;
    const token = match[1] as string;
    tokens.push(/^['"]/.test(token) ? `"${token.slice(1, -1)}"` : token.replace(/[ \t]+/, ' '));
  }
  let at = 0;
  const operand = () => {
    const token = tokens[at++] ?? '';
    return MARKER_VARIABLES.has(token) || token.startsWith('"');
  };
  const comparison = (): boolean => {
    if (tokens[at] === '(') {
      at += 1;
      return expression() && tokens[at++] === ')';
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
  if (tokens.length === 0 || !expression() || at !== tokens.length) return undefined;
  return tokens.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** Why a requirement is refused: one phrase. */
export type RequirementRefusal = { readonly refused: string };

const PLAIN = 'a requirement that is not plain (a name, extras, version specifiers, a marker: no URL, no @, no path)';

/**
 * A requirement's text as packaging reads it (spaces and tabs between its parts), or why it is refused. `marker`:
 * whether one may follow a `;` (a requirements file's line: yes; a modules value's item, which Glue splits at
 * commas and spaces: no, and one specifier at most).
 */
export function readRequirement(
  text: string,
  { marker: markerAllowed = true, hashes = [] as readonly string[] } = {},
): Requirement | RequirementRefusal {
  const [spec = '', markerText] = text.split(/;(.*)/s);
  let rest = spec.replace(/^[ \t]+|[ \t]+$/g, '');
  const name = /^[A-Za-z0-9._-]+/.exec(rest)?.[0] ?? '';
  if (!NAME.test(name)) return { refused: PLAIN };
  if (ARCHIVE.test(name)) return { refused: `the name ${name}, which pip reads as a file to install (a path)` };
  rest = rest.slice(name.length).replace(/^[ \t]+/, '');
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { refused: PLAIN };
    extras = rest
      .slice(1, close)
      .split(',')
      .map((extra) => extra.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (!extras.every((extra) => NAME.test(extra))) return { refused: PLAIN };
    rest = rest.slice(close + 1).replace(/^[ \t]+/, '');
  }
  const specifiers: string[] = [];
  if (rest !== '') {
    for (const part of rest.split(',')) {
      const clause = part.replace(/^[ \t]+|[ \t]+$/g, '');
      const operator = OPERATORS.find((op) => clause.startsWith(op));
      const version = operator === undefined ? '' : clause.slice(operator.length).replace(/^[ \t]+/, '');
      if (operator === undefined || !VERSION.test(version)) return { refused: PLAIN };
      specifiers.push(`${operator}${version}`);
    }
  }
  if (
    !markerAllowed &&
    (extras.length > 1 || specifiers.length > 1 || markerText !== undefined || /[ \t]/.test(text))
  ) {
    return { refused: PLAIN };
  }
  if (markerText === undefined || markerText.trim() === '') {
    return markerText === undefined ? { name, extras, specifiers, hashes } : { refused: 'an empty environment marker' };
  }
  const marker = readMarker(markerText);
  if (marker === undefined) return { refused: 'an environment marker that pip may not read plainly' };
  return { name, extras, specifiers, marker, hashes };
}

export function isRequirementRefusal(value: Requirement | RequirementRefusal): value is RequirementRefusal {
  return 'refused' in value;
}

/** The requirement as the launcher writes it: `name[extras]specifiers; marker --hash=...`, on one line. */
export function formatRequirement(requirement: Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(',')}]` : '';
  const marker = requirement.marker === undefined ? '' : `; ${requirement.marker}`;
  const hashes = requirement.hashes.map((hash) => ` --hash=${hash}`).join('');
  return `${requirement.name}${extras}${requirement.specifiers.join(',')}${marker}${hashes}`;
}
