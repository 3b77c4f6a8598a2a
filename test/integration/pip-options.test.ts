import { spawnSync } from 'node:child_process';
import { devNull } from 'node:os';
import fc from 'fast-check';
import { PIP_LONG_OPTIONS, PIP_SHORT_WITH_VALUE, type PipIndexOption } from '../../src/pip/options';
import {
  checkOwnFile,
  draftPlacement,
  INSTALLER_OPTION,
  indexArguments,
  MODULES_OPTION,
  type PipJob,
  placeIndex,
} from '../../src/pip/placement';
import { requirementsFileBody } from '../../src/pip/requirements-file';

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

// pip's requirements-file parser on each file (its own line splitting, continuations, comments, variables and
// option parsing), without following -r or -c: what each line means, and whether a requirement is plain.
const FILE_READER = `
import json, os, sys, tempfile
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import RequirementsFileParser, get_line_parser
from pip._vendor.packaging.requirements import Requirement
parser = RequirementsFileParser(PipSession(), get_line_parser(None))
out = []
for text in json.load(sys.stdin):
    fd, path = tempfile.mkstemp(suffix='.txt')
    os.write(fd, text.encode('utf-8')); os.close(fd)
    try:
        reading = {'index': [], 'elsewhere': [], 'requirements': []}
        for line in parser._parse_file(path, False):
            o = line.opts
            reading['index'] += ([o.index_url] if o.index_url else []) + (o.extra_index_urls or [])
            reading['elsewhere'] += [k for k in ${ELSEWHERE} if getattr(o, k, None)]
            if line.is_requirement:
                plain = not line.is_editable and Requirement(line.requirement).url is None
                reading['requirements'].append([line.requirement.strip(), plain])
    except BaseException as error:
        reading = {'error': repr(error)}
    finally:
        os.unlink(path)
    out.append(reading)
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
interface FileReading {
  readonly error?: string;
  readonly index?: string[];
  readonly elsewhere?: string[];
  readonly requirements?: Array<[string, boolean]>;
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
const launched = (job: PipJob, option: PipIndexOption, ownText?: string) => {
  try {
    const draft = draftPlacement(job, undefined, { mode: 'arguments' });
    const own = draft.ownFile === undefined ? undefined : checkOwnFile(job.name, draft.ownFile, ownText ?? '');
    const placement = placeIndex(draft, own);
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

describe('a job’s own requirements file: what pip reads of it is what the launcher meant', () => {
  const REQUIREMENTS = [
    'acme-pipelines==1.4.0',
    'pandas >= 2.0, < 3',
    'requests[socks]~=2.31',
    "numpy; python_version >= '3.9'",
    `acme==1.0 --hash=sha256:${'0'.repeat(64)}`,
    'acme @ https://evil.example/acme-1.0-py3-none-any.whl',
    'https://evil.example/acme-1.0-py3-none-any.whl',
    'git+https://evil.example/acme.git#egg=acme',
    './local-dir',
    'acme; os_name == "po six"',
    'acme ${PIP_INDEX_URL}',
  ];
  const OPTION_LINES = [
    ...['--pre', '--prefer-binary', '--only-binary :all:', '--require-hashes', `--index-url ${EVIL}`, `-i ${EVIL}`],
    ...[
      `--extra-index-url=${EVIL}`,
      `--ind ${EVIL}`,
      `-f ${EVIL}`,
      '-r https://evil.example/more.txt',
      '-c https://evil.example/c.txt',
    ],
    ...[
      '--no-index',
      `--trusted-host evil.example`,
      '-e git+https://evil.example/x',
      `--index-url "${EVIL}"`,
      '--upgrade',
    ],
  ];
  const COMMENTS = ['', ' # a comment', '# a whole-line comment', ' #', ' \\'];
  const fileLine = fc
    .tuple(fc.constantFrom(...REQUIREMENTS, ...OPTION_LINES), fc.constantFrom(...COMMENTS))
    .map(([text, comment]) => `${text}${comment}`);
  const file = fc
    .tuple(
      fc.array(fileLine, { minLength: 1, maxLength: 5 }),
      fc.array(fc.constantFrom(...SEPARATORS.filter((s) => s.trim() === '' || s !== ' ')), {
        minLength: 5,
        maxLength: 5,
      }),
    )
    .map(([lines, separators]) => lines.map((l, n) => `${l}${separators[n] === ' ' ? '\n' : separators[n]}`).join(''));

  it('the table and 1,500 generated files: arguments delivery lets pip read each as it is; file delivery carries what it keeps', () => {
    const TABLE = [
      'acme-pipelines==1.4.0\n',
      `acme\r--index-url ${EVIL}\n`,
      `acme\v--index-url ${EVIL}\n`,
      `acme\u2028--index-url ${EVIL}\n`,
      `acme \\\n--index-url ${EVIL}\n`,
      `--index-url ${EVIL} \\\nacme\n`,
      `acme # x \\\n--index-url ${EVIL}\n`,
      `-r https://evil.example/more.txt\n`,
      `--find-links ${EVIL}\nacme\n`,
    ];
    const cases = [...TABLE, ...fc.sample(file, { numRuns: 1500, seed: 18 })];
    const OWN = 's3://team/requirements.txt';
    const job = spark({ [INSTALLER_OPTION]: '-r', [MODULES_OPTION]: OWN });
    // arguments delivery: the run's pip reads the job's file as it is, after the launcher's index.
    const asIs = cases.filter((text) => launched(job, 'index-url', text) !== undefined);
    // file delivery: the launcher's file, with the job's lines carried over (index lines dropped).
    const carried = cases.flatMap((text) => {
      try {
        const own = checkOwnFile('etl', OWN, text);
        const plan = { location: { bucket: 'b', prefix: '' }, options: [], requirements: [], ownLines: own.lines };
        return [
          [
            text,
            requirementsFileBody(plan, 'index-url', OURS),
            own.lines.filter((l) => !l.startsWith('-')).length,
          ] as const,
        ];
      } catch {
        return [];
      }
    });
    const readings = python(
      FILE_READER,
      JSON.stringify([...asIs, ...carried.map(([, body]) => body)]),
    ) as FileReading[];
    const plainOnly = (reading: FileReading) =>
      reading.error === undefined &&
      reading.elsewhere?.length === 0 &&
      reading.requirements?.every(([, plain]) => plain);
    const wrongAsIs = asIs.flatMap((text, n) => {
      const reading = readings[n] as FileReading;
      return plainOnly(reading) && reading.index?.length === 0 ? [] : [{ text, reading }];
    });
    const wrongCarried = carried.flatMap(([text, body, requirements], n) => {
      const reading = readings[asIs.length + n] as FileReading;
      const ok = plainOnly(reading) && reading.index?.join() === OURS && reading.requirements?.length === requirements;
      return ok ? [] : [{ text, body, reading }];
    });
    expect([wrongAsIs.slice(0, 3), wrongCarried.slice(0, 3)]).toEqual([[], []]);
    expect(asIs.length).toBeGreaterThan(10);
    expect(carried.length).toBeGreaterThan(asIs.length); // files with index lines go through by file delivery only
    expect(carried.length).toBeLessThan(cases.length / 2);
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
