import { readShellModules, readSparkModules, withShellIndex } from '../../src/pip/modules-value';
import { isRefused } from '../../src/pip/options';
import { isRequirementItem, readLine, readOwnFile } from '../../src/pip/requirements';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const EVIL = 'http://evil.example/simple/';

describe('an item of a modules value is one plain requirement', () => {
  it.each([
    'acme-pipelines',
    'acme-pipelines==1.4.0',
    'pandas>=2',
    'Py_Yaml~=6.0',
    'x[extra]==1.*',
    'a.b-c_d!=2.0rc1',
    'n===1.0+local',
  ])('%s is one', (item) => expect(isRequirementItem(item)).toBe(true));

  it.each([
    'pkg @ https://evil/pkg.whl',
    'pkg@https://evil/pkg.whl',
    'https://evil/pkg-1.0-py3-none-any.whl',
    'git+https://evil/x',
    '-i',
    'pandas >=2',
    'pandas;python_version>"3"',
    './local/dir',
    'a[b,c]',
    '',
  ])('%j is not', (item) => expect(isRequirementItem(item)).toBe(false));
});

describe('a Spark job’s modules value', () => {
  it('is comma-separated plain requirements and S3 wheels, spaces around items allowed', () => {
    expect(readSparkModules('acme-pipelines==1.4.0, pandas>=2,s3://team-wheels/lib/acme-1.0-py3-none-any.whl')).toEqual(
      ['acme-pipelines==1.4.0', 'pandas>=2', 's3://team-wheels/lib/acme-1.0-py3-none-any.whl'],
    );
  });

  it.each([
    [`acme,--index-url=${EVIL}`, 'the item "--index-url=http://evil.example/simple/"'],
    [`acme -i ${EVIL}`, 'the item "acme -i http://evil.example/simple/"'],
    ['acme,--no-index', 'the item "--no-index"'],
    ['acme,--pre', 'the item "--pre"'],
    ['acme @ https://evil/acme.whl', 'the item "acme @ https://evil/acme.whl"'],
    ['s3://bucket/key.txt', 'the item "s3://bucket/key.txt"'],
    ['acme,,pandas', 'an empty item'],
    ['acme,', 'an empty item'],
    ['acme\u2028-i x', 'U+2028'],
    ['acme\t-i x', 'U+0009'],
    ['"acme,-i x"', 'a " (quotes'],
    ['acme\\', 'a \\ (quotes'],
  ])('%j is refused: %s', (value, phrase) => {
    const got = readSparkModules(value);
    expect(isRefused(got) && got.refused).toContain(phrase);
  });
});

describe('a Python shell job’s modules value', () => {
  it('is one plain requirement per item, each item’s index options removed', () => {
    expect(readShellModules(`acme-pipelines==1.4.0 -i ${EVIL}, pandas --extra ${EVIL}`)).toEqual([
      'acme-pipelines==1.4.0',
      'pandas',
    ]);
  });

  it.each([
    ['acme --pre', 'not one plain requirement'],
    ['acme pandas', 'not one plain requirement'],
    [`-i ${EVIL}`, 'not one plain requirement'],
    ['acme --no-index', '--no-index, with which pip would ignore every index'],
    [`acme -Ui ${EVIL}`, 'one option per word'],
  ])('%j is refused: %s', (value, phrase) => {
    const got = readShellModules(value);
    expect(isRefused(got) && got.refused).toContain(phrase);
  });

  it('gets the launcher’s index after every item: right for one pip per value and for one per item', () => {
    expect(withShellIndex(['a==1', 'b'], 'index-url', URL)).toBe(`a==1 -i ${URL},b -i ${URL}`);
    expect(withShellIndex(['a==1'], 'extra-index-url', URL)).toBe(`a==1 --extra-index-url ${URL}`);
  });
});

describe('a line of a job’s own requirements file', () => {
  it.each([
    ['acme-pipelines==1.4.0', 'acme-pipelines==1.4.0'],
    ['pandas >= 2.0, < 3  # pinned below 3', 'pandas >= 2.0, < 3'],
    ['requests [socks] ~= 2.31', 'requests [socks] ~= 2.31'],
    [
      'numpy; python_version >= "3.9" and platform_machine == \'x86_64\'',
      'numpy; python_version >= "3.9" and platform_machine == \'x86_64\'',
    ],
    [`acme==1.4.0 --hash=sha256:${'a'.repeat(64)}`, `acme==1.4.0 --hash=sha256:${'a'.repeat(64)}`],
    ['--pre', '--pre'],
    ['--only-binary :all:', '--only-binary :all:'],
  ])('%j is kept as %j', (line, text) => {
    expect(readLine(line)).toMatchObject({ text });
  });

  it('is nothing when it is blank or a comment', () => {
    expect(readLine('')).toBeUndefined();
    expect(readLine('   # a comment, with -i http://evil/ in it')).toBeUndefined();
  });

  it('an index line is reported, for the launcher to drop or refuse', () => {
    expect(readLine(`--index-url ${EVIL}`)).toEqual({ kind: 'options', text: '', index: ['--index-url'] });
    expect(readLine(`-i ${EVIL} --pre`)).toEqual({ kind: 'options', text: '--pre', index: ['-i'] });
  });

  it.each([
    ['acme \\', 'backslash'],
    ['-r https://evil/reqs.txt', 'the pip option -r'],
    ['-c https://evil/constraints.txt', 'the pip option -c'],
    [`--find-links ${EVIL}`, 'the pip option --find-links'],
    [`-f ${EVIL}`, 'the pip option -f'],
    ['--trusted-host evil', 'the pip option --trusted-host'],
    ['--no-index', '--no-index'],
    ['--upgrade', 'the pip option --upgrade'],
    ['-e git+https://evil/x', 'the pip option -e'],
    ['acme @ https://evil/acme.whl', 'not plain'],
    ['https://evil/acme-1.0-py3-none-any.whl', 'not plain'],
    ['./acme', 'not plain'],
    ['acme --global-option=x', '--global-option'],
    ['acme --config-settings=x', '--config-settings'],
    ['acme; os_name == "po six"', 'environment marker'],
    ['acme; python_version >= ${PYV}', '${'],
    [`--index-url "${EVIL} --pre"`, 'a " (quotes'],
    ['acme\u000b', 'U+000B'],
    ['acme\u0085', 'U+0085'],
    ['acme\u2028', 'U+2028'],
    ['acme\u001c', 'U+001C'],
    ['acme\r-i x', 'U+000D'],
    ['acme\t# x', 'U+0009'],
  ])('%j is refused: %s', (line, phrase) => {
    const got = readLine(line);
    expect(isRefused(got) && got.refused).toContain(phrase);
  });
});

describe('a job’s own requirements file', () => {
  it('keeps its requirement and option lines, reports its index lines, reads CRLF files', () => {
    const text = `# team deps\r\n--index-url ${EVIL}\r\nacme-pipelines==1.4.0\r\n\r\n--pre\r\npandas>=2 # note\r\n`;
    expect(readOwnFile(text)).toEqual({
      lines: ['acme-pipelines==1.4.0', '--pre', 'pandas>=2'],
      indexLines: [{ line: 2, option: '--index-url' }],
    });
  });

  it('names the first line it refuses', () => {
    expect(readOwnFile(`acme\n--pre\n-r https://evil/x.txt\n`)).toEqual({ refused: 'the pip option -r', line: 3 });
    // A lone carriage return is no line end here, and pip would split the line there: refused.
    expect(readOwnFile(`acme\r--index-url ${EVIL}\n`)).toMatchObject({ line: 1 });
  });
});
