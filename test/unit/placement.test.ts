import {
  checkOwnFile,
  draftPlacement,
  INSTALLER_OPTION,
  indexArguments,
  MODULES_OPTION,
  mergeArguments,
  type PipJob,
  placeIndex,
} from '../../src/pip/placement';
import type { DeliverySetting } from '../../src/pip/requirements-file';
import type { Arguments } from '../../src/plan';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const EVIL = 'http://evil.example/simple/';
const ARGUMENTS: DeliverySetting = { mode: 'arguments' };
const LOCATION = { bucket: 'b', prefix: 'glue-launcher/' };
const FILE: DeliverySetting = { mode: 'requirements-file', location: LOCATION };
const AUTO: DeliverySetting = { mode: 'auto', location: LOCATION };

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
const merged = (job: PipJob, request?: Arguments, own?: string) => {
  const draft = draftPlacement(job, request, ARGUMENTS);
  const placement = placeIndex(
    draft,
    own === undefined ? undefined : checkOwnFile(job.name, draft.ownFile as string, own),
  );
  if (placement.via === 'requirements-file') throw new Error('not in arguments delivery');
  return mergeArguments(job, request, indexArguments(placement, 'index-url', URL));
};

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

describe('a Spark job with its own S3 requirements file (Glue 5’s -r)', () => {
  const OWN = 's3://team-bucket/reqs/requirements.txt';
  const withOwn = spark({ [MODULES_OPTION]: OWN, [INSTALLER_OPTION]: '--prefer-binary -r' });

  it('needs its file read first; in arguments delivery the run keeps it, the index goes first and -r last', () => {
    expect(draftPlacement(withOwn, undefined, ARGUMENTS).ownFile).toBe(OWN);
    expect(merged(withOwn, undefined, 'acme-pipelines==1.4.0\n')).toMatchObject({
      [MODULES_OPTION]: OWN,
      [INSTALLER_OPTION]: `--index-url=${URL} --prefer-binary -r`,
    });
  });

  it('in arguments delivery a file that sets an index is refused, naming the line and what to do', () => {
    expect(() => merged(withOwn, undefined, `acme\n--index-url ${EVIL}\n`)).toThrow(
      `Job nightly-etl was not started: line 2 of its requirements file ${OWN} sets --index-url, which pip would read over the launcher's index; remove the line, or set TOKEN_DELIVERY (template parameter TokenDelivery) to auto or requirements-file so that the launcher carries the file over without it.`,
    );
  });

  it('auto gives such a job the file, its index line dropped and its other lines carried over', () => {
    const draft = draftPlacement(withOwn, undefined, AUTO);
    const placement = placeIndex(draft, checkOwnFile('nightly-etl', OWN, `-i ${EVIL}\nacme==1.4.0\n--pre\n`));
    expect(placement).toEqual({
      via: 'requirements-file',
      plan: { location: LOCATION, options: ['--prefer-binary'], requirements: [], ownLines: ['acme==1.4.0', '--pre'] },
    });
  });

  it('a job that cannot take the file is told so: its index line must go', () => {
    const upgrade = spark({ [MODULES_OPTION]: OWN, [INSTALLER_OPTION]: '--upgrade -r' });
    const own = checkOwnFile('nightly-etl', OWN, `-i ${EVIL}\nacme\n`);
    expect(() => placeIndex(draftPlacement(upgrade, undefined, AUTO), own)).toThrow(
      `Job nightly-etl was not started: line 1 of its requirements file ${OWN} sets -i, which pip would read over the launcher's index; remove the line (the launcher cannot carry the file over: its ${INSTALLER_OPTION} holds --upgrade, which pip does not accept in a requirements file (the file delivery sends exactly -r)).`,
    );
  });

  it('-r anywhere but last, or with modules that are not one S3 file, is refused', () => {
    expect(() =>
      draftPlacement(spark({ [MODULES_OPTION]: OWN, [INSTALLER_OPTION]: '-r --pre' }), undefined, ARGUMENTS),
    ).toThrow(/the pip option -r/);
    expect(() =>
      draftPlacement(spark({ [MODULES_OPTION]: 'acme', [INSTALLER_OPTION]: '-r' }), undefined, ARGUMENTS),
    ).toThrow(/must be one s3:\/\/ requirements file/);
  });

  it('a file line outside the grammar is refused by line number', () => {
    expect(() => checkOwnFile('nightly-etl', OWN, 'acme\n-r https://evil/more.txt\n')).toThrow(
      `Job nightly-etl was not started: line 2 of its requirements file ${OWN} is refused: the pip option -r; the launcher lets through only plain requirements and the pip options of docs/pip-options.md.`,
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
    [
      'an option pip does not take in a file',
      spark({ [INSTALLER_OPTION]: '--upgrade' }),
      /holds --upgrade, which pip does not accept in a requirements file/,
    ],
  ])('%s: requirements-file is UnsupportedJobType, auto gives arguments', (_case, job, why) => {
    expect(() => placeIndex(draftPlacement(job, undefined, FILE), undefined)).toThrow(
      expect.objectContaining({ name: 'UnsupportedJobType', message: expect.stringMatching(why) }),
    );
    expect(placeIndex(draftPlacement(job, undefined, AUTO), undefined).via).toBe('installer-option');
  });

  it('a Glue 5 job with allowlisted file options gets the file: its installer option is exactly -r', () => {
    const placement = placeIndex(
      draftPlacement(
        spark({ [MODULES_OPTION]: 'acme==1.4.0, pandas', [INSTALLER_OPTION]: `--only-binary=:all: -i ${EVIL} --pre` }),
        undefined,
        FILE,
      ),
      undefined,
    );
    expect(placement).toEqual({
      via: 'requirements-file',
      plan: {
        location: LOCATION,
        options: ['--only-binary=:all:', '--pre'],
        requirements: ['acme==1.4.0', 'pandas'],
        ownLines: [],
      },
    });
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
