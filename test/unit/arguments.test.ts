import type { JobKind } from '../../src/pip/job-kind';
import type { PipIndexOption } from '../../src/pip/options';
import { INSTALLER_OPTION, indexArguments, MODULES_OPTION, mergeArguments, placeIndex } from '../../src/pip/placement';
import type { Arguments } from '../../src/plan';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';

const job = (
  defaults: Record<string, string>,
  nonOverridable: Record<string, string> = {},
  kind: JobKind = 'spark',
) => ({
  name: 'nightly-etl',
  command: kind === 'spark' ? 'glueetl' : 'pythonshell',
  glueVersion: '4.0',
  pythonVersion: kind === 'spark' ? undefined : '3.9',
  defaultArguments: defaults,
  nonOverridableArguments: nonOverridable,
});

/** The run's arguments as the launch makes them: the delivery checked first, then merged. */
const merged = (
  defaults: Record<string, string>,
  request?: Arguments,
  nonOverridable: Record<string, string> = {},
  kind: JobKind = 'spark',
  option: PipIndexOption = 'index-url',
) => {
  const placement = placeIndex(job(defaults, nonOverridable, kind), request, { mode: 'arguments' });
  if (placement.via === 'requirements-file') throw new Error('not in arguments delivery');
  return mergeArguments(job(defaults, nonOverridable, kind), request, indexArguments(placement, option, URL));
};

describe('a Spark job: the installer option', () => {
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

describe('a Spark job’s modules value, which pip reads after the options', () => {
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

describe('a Python shell 3.9 job: the modules value carries the index', () => {
  const shell = (modules: string | undefined, request?: Arguments, option: PipIndexOption = 'index-url') =>
    merged(modules === undefined ? {} : { [MODULES_OPTION]: modules }, request, {}, 'python-shell', option);

  it.each([
    ['acme-pipelines==1.4.0', `acme-pipelines==1.4.0 -i ${URL}`],
    ['acme-pipelines==1.4.0 -i https://aws:OLD@stale/simple/', `acme-pipelines==1.4.0 -i ${URL}`],
    ['acme-pipelines==1.4.0,pandas -Ui https://stale/', `acme-pipelines==1.4.0,pandas -U -i ${URL}`],
    ['--index-url=https://stale/ acme-pipelines==1.4.0, pandas', `acme-pipelines==1.4.0, pandas -i ${URL}`],
    ['acme-pipelines==1.4.0 --extra https://b/ --pre', `acme-pipelines==1.4.0 --pre -i ${URL}`],
  ])('%j becomes %j', (modules, expected) => {
    expect(shell(modules)[MODULES_OPTION]).toBe(expected);
  });

  it('uses --extra-index-url when PIP_INDEX_OPTION says so', () => {
    expect(shell('acme-pipelines==1.4.0', undefined, 'extra-index-url')[MODULES_OPTION]).toBe(
      `acme-pipelines==1.4.0 --extra-index-url ${URL}`,
    );
  });

  it('leaves the installer option alone (Python shell 3.9 does not read it), and adds no modules to a job without', () => {
    const args = shell(undefined);
    expect(args).toEqual({});
    expect(shell('-i https://stale/')).toEqual({ [MODULES_OPTION]: '-i https://stale/' });
  });

  it('starts from the request’s modules when it gives them', () => {
    expect(shell('a==1', { [MODULES_OPTION]: 'b==2' })[MODULES_OPTION]).toBe(`b==2 -i ${URL}`);
  });

  it('refuses --no-index, a non-overridable modules value, and a last option that would swallow the index', () => {
    expect(() => shell('acme --no-ind')).toThrow(/holds --no-ind, so pip would ignore the CodeArtifact index/);
    expect(() => merged({}, undefined, { [MODULES_OPTION]: 'a' }, 'python-shell')).toThrow(/NonOverridableArguments/);
    expect(() => shell('acme-pipelines==1.4.0 --trusted-host')).toThrow(
      /ends with a pip option that would take the launcher's index as its value/,
    );
  });
});
