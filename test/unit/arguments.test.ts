import {
  type Arguments,
  INSTALLER_OPTION,
  installerOptionBase,
  MODULES_OPTION,
  mergeArguments,
} from '../../src/domain/arguments';

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
    expect(() => merged({}, { [INSTALLER_OPTION]: '--no-index' })).toThrow(
      'Job nightly-etl was not started: --python-modules-installer-option holds --no-index, so pip would ignore the CodeArtifact index; remove it.',
    );
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

describe('the modules value, which pip reads after the options', () => {
  it.each([
    ['acme-pipelines==1.4.0,--index-url=https://aws:OLD@evil/simple/', '--index-url'],
    ['acme-pipelines==1.4.0, -i http://evil/simple/', '-i'],
    ['pandas,-Ui http://evil/simple/', '-Ui'],
    ['pandas --extra-index-url http://evil/', '--extra-index-url'],
    ['pandas,--no-index', '--no-index'],
  ])('%j is refused: it holds %s', (modules, option) => {
    expect(() => merged({ [MODULES_OPTION]: modules })).toThrow(
      `Job nightly-etl was not started: ${MODULES_OPTION} holds the pip option ${option}, which pip would read beside the launcher's index; move index options to ${INSTALLER_OPTION}.`,
    );
  });

  it('from the request, or the job’s NonOverridableArguments, as much as from its defaults', () => {
    expect(() => merged({}, { [MODULES_OPTION]: 'x,-qihttp://evil/' })).toThrow(/holds the pip option -qi,/);
    expect(() => merged({}, undefined, { [MODULES_OPTION]: 'x,--pypi-url=y' })).toThrow(
      /holds the pip option --pypi-url,/,
    );
  });

  it('lets plain requirements through, with pip options that are not about the index', () => {
    expect(() => merged({ [MODULES_OPTION]: 'acme-pipelines==1.4.0,pandas>=2,--pre,-U' })).not.toThrow();
  });
});
