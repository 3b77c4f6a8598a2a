import { type Arguments, INSTALLER_OPTION, installerOptionBase, mergeArguments } from '../../src/domain/arguments';
import { rewriteInstallerOption, withoutIndexOptions, words } from '../../src/domain/pip-options';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';

const job = (defaults: Record<string, string>, nonOverridable: Record<string, string> = {}) => ({
  name: 'nightly-etl',
  defaultArguments: defaults,
  nonOverridableArguments: nonOverridable,
});

/** The run's arguments as the launch makes them: the installer option checked first, then merged. */
const merged = (defaults: Record<string, string>, request?: Arguments, nonOverridable: Record<string, string> = {}) => {
  const base = installerOptionBase(job(defaults, nonOverridable), request);
  return mergeArguments(defaults, request, base, 'index-url', URL);
};

describe('withoutIndexOptions', () => {
  it.each([
    ['--index-url=https://old/simple/ --upgrade', ['--upgrade']],
    ['--index-url https://old/simple/ --upgrade', ['--upgrade']],
    ['-i https://old/simple/ --upgrade', ['--upgrade']],
    ['-ihttps://old/simple/ --upgrade', ['--upgrade']],
    ['--extra-index-url=https://a/ --extra-index-url https://b/ --no-cache-dir', ['--no-cache-dir']],
    ['--index=https://old/ --extra https://b/ --upgrade', ['--upgrade']],
    ['--upgrade --only-binary=:all: -i https://old/ -r', ['--upgrade', '--only-binary=:all:', '-r']],
    ['', []],
  ])('%j keeps %j', (options, kept) => {
    expect(withoutIndexOptions(words(options))).toEqual(kept);
  });

  it('does not take options that only share a prefix (--ex could be --exists-action)', () => {
    expect(withoutIndexOptions(['--exists-action=i', '--isolated', '-I'])).toEqual([
      '--exists-action=i',
      '--isolated',
      '-I',
    ]);
  });
});

describe('rewriteInstallerOption', () => {
  it('puts the index first and keeps the other options in order, -r last', () => {
    expect(rewriteInstallerOption('--upgrade --index-url X --no-cache-dir -r', 'index-url', URL)).toBe(
      `--index-url=${URL} --upgrade --no-cache-dir -r`,
    );
  });

  it('uses --extra-index-url when configured', () => {
    expect(rewriteInstallerOption(undefined, 'extra-index-url', URL)).toBe(`--extra-index-url=${URL}`);
  });
});

describe('mergeArguments', () => {
  it('defaults, then request arguments key by key, then the rewritten installer option', () => {
    expect(
      merged(
        { '--a': 'default', '--b': 'default', [INSTALLER_OPTION]: '-i https://stale/ --upgrade' },
        { '--b': 'request', '--c': 'request' },
      ),
    ).toEqual({
      '--a': 'default',
      '--b': 'request',
      '--c': 'request',
      [INSTALLER_OPTION]: `--index-url=${URL} --upgrade`,
    });
  });

  it('starts from the request’s installer option when it gives one', () => {
    const args = merged(
      { [INSTALLER_OPTION]: '--upgrade' },
      { [INSTALLER_OPTION]: '--no-cache-dir --index-url=https://stale/' },
    );
    expect(args[INSTALLER_OPTION]).toBe(`--index-url=${URL} --no-cache-dir`);
  });

  it('refuses --no-index (pip would ignore any index), in any spelling pip accepts', () => {
    for (const spelling of ['--no-index', '--no-ind']) {
      expect(() => merged({ [INSTALLER_OPTION]: `--upgrade ${spelling}` })).toThrow(
        expect.objectContaining({ name: 'InstallerOptionConflict' }),
      );
    }
    expect(() => merged({}, { [INSTALLER_OPTION]: '--no-index' })).toThrow(/nightly-etl has --no-index/);
  });

  it('refuses a non-overridable installer option', () => {
    expect(() => merged({}, undefined, { [INSTALLER_OPTION]: '--upgrade' })).toThrow(/NonOverridableArguments/);
  });

  it('keeps a key called __proto__ as data, not as the prototype', () => {
    const args = merged(JSON.parse('{"__proto__": "x", "--a": "1"}'));
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Object.keys(args)).toContain('--a');
  });
});
