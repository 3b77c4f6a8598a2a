import {
  checkOwnFile,
  draftPlacement,
  INSTALLER_OPTION,
  indexArguments,
  MODULES_OPTION,
  type PipJob,
  placeIndex,
  runArguments,
} from '../../src/pip/placement';
import type { Delivery } from '../../src/pip/requirements-file';
import type { Arguments } from '../../src/plan';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const EVIL = 'http://evil.example/simple/';
const ARGUMENTS: Delivery = { mode: 'arguments' };
const LOCATION = { bucket: 'b', prefix: 'glue-launcher/' };
const FILE: Delivery = { mode: 'requirements-file', location: LOCATION };
const AUTO: Delivery = { mode: 'auto', location: LOCATION };

const spark = (defaults: Arguments, overrides: Partial<PipJob> = {}): PipJob => ({
  name: 'nightly-etl',
  command: 'glueetl',
  glueVersion: '5.0',
  pythonVersion: undefined,
  defaultArguments: defaults,
  nonOverridableArguments: {},
  ...overrides,
});
const shell = (modules: string | undefined): PipJob =>
  spark(modules === undefined ? {} : { [MODULES_OPTION]: modules }, {
    command: 'pythonshell',
    pythonVersion: '3.9',
    glueVersion: '3.0',
  });

/** The run's arguments as the launch makes them in arguments delivery: drafted, placed, merged. */
const merged = (job: PipJob, request?: Arguments) => {
  const placement = placeIndex(draftPlacement(job, request, ARGUMENTS), undefined);
  if (placement.via === 'requirements-file') throw new Error('not in arguments delivery');
  return runArguments(job, request, { placement, option: 'index-url', url: URL });
};
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const H1 = `sha256:${'a'.repeat(64)}`;

describe('a Spark job in arguments delivery: the installer option carries the index', () => {
  it('defaults, then request arguments key by key, then the rewritten installer option', () => {
    const job = spark({ '--a': 'default', '--b': 'default', [INSTALLER_OPTION]: `-i ${EVIL} --upgrade` });
    expect(merged(job, { '--b': 'request', '--c': 'request' })).toEqual({
      '--a': 'default',
      '--b': 'request',
      '--c': 'request',
      [INSTALLER_OPTION]: `--index-url=${URL} --upgrade`,
    });
  });

  it('starts from the request’s installer option when it gives one (where the policy allows it)', () => {
    const args = merged(spark({ [INSTALLER_OPTION]: '--upgrade' }), {
      [INSTALLER_OPTION]: `--no-cache-dir --index-url=${EVIL}`,
    });
    expect(args[INSTALLER_OPTION]).toBe(`--index-url=${URL} --no-cache-dir`);
  });

  it.each([
    ['--upgrade --no-index', '--no-index, with which pip would ignore every index'],
    [`--find-links ${EVIL}`, 'the pip option --find-links'],
    ['-r https://evil/reqs.txt', 'the pip option -r'],
    ['--trusted-host evil', 'the pip option --trusted-host'],
    ['--upgrade\t-i x', 'the character U+0009'],
    [`"-i ${EVIL}"`, 'a " (quotes'],
  ])('refuses %j: InstallerOptionConflict naming it', (option, phrase) => {
    expect(() => merged(spark({ [INSTALLER_OPTION]: option }))).toThrow(
      expect.objectContaining({
        name: 'InstallerOptionConflict',
        message: expect.stringContaining(`Job nightly-etl was not started: ${INSTALLER_OPTION} holds ${phrase}`),
      }),
    );
  });

  it('refuses a non-overridable installer option', () => {
    expect(() => merged(spark({}, { nonOverridableArguments: { [INSTALLER_OPTION]: '--upgrade' } }))).toThrow(
      /NonOverridableArguments/,
    );
  });

  it('refuses a modules value with anything but plain requirements and S3 wheels', () => {
    for (const modules of [`acme,--index-url=${EVIL}`, 'acme @ https://evil/acme.whl', 'acme,-r', 'acme,--pre']) {
      expect(() => merged(spark({ [MODULES_OPTION]: modules }))).toThrow(
        expect.objectContaining({
          name: 'InstallerOptionConflict',
          message: expect.stringContaining(`${MODULES_OPTION} holds`),
        }),
      );
    }
    expect(() =>
      merged(spark({ [MODULES_OPTION]: 'acme==1.4.0, s3://team/lib/acme-1.0-py3-none-any.whl' })),
    ).not.toThrow();
  });

  it('keeps a key called __proto__ as data, not as the prototype', () => {
    const args = merged(spark(JSON.parse('{"__proto__": "x", "--a": "1"}')));
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Object.keys(args)).toContain('--a');
  });
});

describe('a Spark job with its own S3 requirements file (Glue 5’s -r): it reaches pip only as a file the launcher writes', () => {
  const OWN = 's3://team-bucket/reqs/requirements.txt';
  const withOwn = spark({ [MODULES_OPTION]: OWN, [INSTALLER_OPTION]: '--prefer-binary -r' });

  it('in an arguments-only deployment it is UnsupportedJobType naming the settings that serve it, before its file is read', () => {
    expect(() => draftPlacement(withOwn, undefined, ARGUMENTS)).toThrow(
      expect.objectContaining({
        name: 'UnsupportedJobType',
        message: `Job nightly-etl was not started: its ${MODULES_OPTION} is its own requirements file ${OWN}, which pip would read itself, comments, encoding and all, and which the launcher serves only as a file it writes: set the template parameter TokenDelivery to auto (with the bucket the template then creates) or requirements-file, or serve the job with a standing requirements file.`,
      }),
    );
  });

  it('auto and requirements-file write it: the modules’ options, the file’s options and requirements, its index line dropped', () => {
    for (const delivery of [AUTO, FILE]) {
      const draft = draftPlacement(withOwn, undefined, delivery);
      expect(draft.ownFile).toBe(OWN);
      const own = checkOwnFile(
        'nightly-etl',
        OWN,
        bytes(`-i ${EVIL}
acme==1.4.0 \
  --hash=${H1}
--pre # x
`),
      );
      expect(placeIndex(draft, own)).toEqual({
        via: 'requirements-file',
        plan: {
          location: LOCATION,
          content: {
            options: ['--prefer-binary', '--pre'],
            requirements: [{ name: 'acme', extras: [], specifiers: ['==1.4.0'], hashes: [H1] }],
          },
          dropped: [],
        },
      });
    }
  });

  it('one that cannot take a file is UnsupportedJobType under auto too: it cannot fall back to arguments', () => {
    const upgrade = spark({ [MODULES_OPTION]: OWN, [INSTALLER_OPTION]: '--upgrade -r' });
    expect(() => draftPlacement(upgrade, undefined, AUTO)).toThrow(
      `Job nightly-etl was not started: its ${INSTALLER_OPTION} holds --upgrade, which changes what is installed and which pip takes only on its command line (a file delivery's run gets exactly -r), and its own requirements file reaches pip only in a file the launcher writes; pin the versions in the requirements instead of the option, or remove it.`,
    );
    expect(() =>
      draftPlacement(spark({ ...withOwn.defaultArguments }, { glueVersion: '4.0' }), undefined, AUTO),
    ).toThrow(
      /it runs Glue 4\.0, .* reaches pip only in a file the launcher writes; move the job to Glue 5\.0 or later\.$/,
    );
  });

  it('-r anywhere but last, or with modules that are not one S3 file, is refused', () => {
    expect(() =>
      draftPlacement(spark({ [MODULES_OPTION]: OWN, [INSTALLER_OPTION]: '-r --pre' }), undefined, AUTO),
    ).toThrow(/the pip option -r/);
    expect(() =>
      draftPlacement(spark({ [MODULES_OPTION]: 'acme', [INSTALLER_OPTION]: '-r' }), undefined, AUTO),
    ).toThrow(/must be one s3:\/\/ requirements file/);
  });

  it('a file line outside the grammar is refused by line number, with what to do; a file in another encoding as a whole', () => {
    expect(() => checkOwnFile('nightly-etl', OWN, bytes('acme\n-r https://evil/more.txt\n'))).toThrow(
      `Job nightly-etl was not started: line 2 of its requirements file ${OWN} is refused: the pip option -r, which a requirements file of the launcher's may not hold; the launcher writes only plain requirements, their hashes and the pip options of docs/pip-options.md.`,
    );
    expect(() => checkOwnFile('nightly-etl', OWN, new Uint8Array(Buffer.from('acme\n', 'utf16le')))).toThrow(
      /^Job nightly-etl was not started: its requirements file s3:\/\/team-bucket\/reqs\/requirements\.txt is refused: it holds a NUL byte, as UTF-16 text does; save it as UTF-8/,
    );
  });
});

describe('which deliveries a Spark job can take', () => {
  it.each([
    ['Glue 4.0', spark({}, { glueVersion: '4.0' }), /it runs Glue 4\.0, and only Glue 5\.0 and later/],
    ['no Glue version', spark({}, { glueVersion: undefined }), /it runs Glue \(unset\)/],
    ['S3 wheels', spark({ [MODULES_OPTION]: 'acme,s3://bucket/acme-1.0-py3-none-any.whl' }), /names S3 wheels/],
    [
      'non-overridable modules',
      spark({}, { nonOverridableArguments: { [MODULES_OPTION]: 'acme' } }),
      /NonOverridableArguments/,
    ],
    ...['--upgrade', '-U', '--upgrade-strategy eager', '--no-deps', '--force-reinstall', '-I', '-Uq'].map(
      (option) =>
        [
          `an option that changes what is installed, pip’s command line only (${option})`,
          spark({ [INSTALLER_OPTION]: option }),
          /which changes what is installed and which pip takes only on its command line .*pin the versions/,
        ] as const,
    ),
  ] as Array<readonly [string, PipJob, RegExp]>)(
    '%s: requirements-file is UnsupportedJobType, auto gives arguments and says why',
    (_case, job, why) => {
      expect(() => placeIndex(draftPlacement(job, undefined, FILE), undefined)).toThrow(
        expect.objectContaining({ name: 'UnsupportedJobType', message: expect.stringMatching(why) }),
      );
      const placement = placeIndex(draftPlacement(job, undefined, AUTO), undefined);
      expect(placement).toMatchObject({ via: 'installer-option', fileUnfit: expect.stringMatching(/./) });
    },
  );

  it('in an arguments-only deployment nothing is said of files', () => {
    const placement = placeIndex(draftPlacement(spark({ [INSTALLER_OPTION]: '-U' }), undefined, ARGUMENTS), undefined);
    expect(placement).toEqual({ via: 'installer-option', options: ['-U'] });
  });

  it('a Glue 5 job takes the file: file options go in, output-only options are left out, the run gets exactly -r', () => {
    const option = `--only-binary=:all: -i ${EVIL} --pre --no-cache-dir -qq --progress-bar off --timeout 30 --root-user-action=ignore`;
    const placement = placeIndex(
      draftPlacement(spark({ [MODULES_OPTION]: 'acme==1.4.0, pandas', [INSTALLER_OPTION]: option }), undefined, FILE),
      undefined,
    );
    expect(placement).toEqual({
      via: 'requirements-file',
      plan: {
        location: LOCATION,
        content: {
          options: ['--only-binary=:all:', '--pre'],
          requirements: [
            { name: 'acme', extras: [], specifiers: ['==1.4.0'], hashes: [] },
            { name: 'pandas', extras: [], specifiers: [], hashes: [] },
          ],
        },
        dropped: ['--no-cache-dir', '-q', '-q', '--progress-bar off', '--timeout 30', '--root-user-action=ignore'],
      },
    });
  });

  it('output-only options stay in arguments delivery, combined short flags written apart', () => {
    expect(
      merged(spark({ [INSTALLER_OPTION]: '-Uq --disable-pip-version-check --no-color --no-input' })),
    ).toMatchObject({
      [INSTALLER_OPTION]: `--index-url=${URL} -U -q --disable-pip-version-check --no-color --no-input`,
    });
  });
});

describe('--launch-* in a job’s own definition', () => {
  it.each(['DefaultArguments', 'NonOverridableArguments'])('in its %s is UnsupportedJobType naming it', (where) => {
    const job =
      where === 'DefaultArguments'
        ? spark({ '--launch-idempotency-key': 'x' })
        : spark({}, { nonOverridableArguments: { '--Launch-Request-Digest': 'x' } });
    expect(() => draftPlacement(job, undefined, ARGUMENTS)).toThrow(
      expect.objectContaining({
        name: 'UnsupportedJobType',
        message: expect.stringMatching(
          new RegExp(
            `its ${where} hold --(l|L)aunch-.*, which the launcher alone sets on a run .*; remove it from the job\\.$`,
          ),
        ),
      }),
    );
  });
});

describe('a Python shell 3.9 job: the modules value carries the index, after every item', () => {
  const modules = (value: string | undefined, option: 'index-url' | 'extra-index-url' = 'index-url') => {
    const placement = placeIndex(draftPlacement(shell(value), undefined, ARGUMENTS), undefined);
    if (placement.via === 'requirements-file') throw new Error('not in arguments delivery');
    return indexArguments(placement, option, URL)[MODULES_OPTION];
  };

  it.each([
    ['acme-pipelines==1.4.0', `acme-pipelines==1.4.0 -i ${URL}`],
    [`acme-pipelines==1.4.0 -i ${EVIL}`, `acme-pipelines==1.4.0 -i ${URL}`],
    [`acme-pipelines==1.4.0 -i ${EVIL}, pandas --extra ${EVIL}`, `acme-pipelines==1.4.0 -i ${URL},pandas -i ${URL}`],
  ])('%j becomes %j', (value, expected) => {
    expect(modules(value)).toBe(expected);
  });

  it('uses --extra-index-url when PIP_INDEX_OPTION says so; adds nothing to a job without modules', () => {
    expect(modules('acme-pipelines==1.4.0', 'extra-index-url')).toBe(`acme-pipelines==1.4.0 --extra-index-url ${URL}`);
    expect(modules(undefined)).toBeUndefined();
  });

  it('refuses anything but one plain requirement per item, and a file delivery', () => {
    expect(() => modules('acme --trusted-host evil')).toThrow(/not one plain requirement/);
    expect(() => modules('acme --no-ind')).toThrow(/--no-ind, with which pip would ignore every index/);
    expect(() => draftPlacement(shell('acme'), undefined, FILE)).toThrow(
      /it is a Python shell job; TOKEN_DELIVERY=requirements-file/,
    );
  });
});
