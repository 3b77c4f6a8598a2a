import { readShellModules, readSparkModules, withShellIndex } from '../../src/pip/modules-value';
import { isRefused } from '../../src/pip/options';
import { formatRequirement, isRequirementRefusal, readRequirement } from '../../src/pip/requirement';
import {
  decodeRequirements,
  type RequirementsSource,
  readRequirementsFile,
  readRequirementsText,
  writeRequirementsFile,
} from '../../src/pip/requirements';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const EVIL = 'http://evil.example/simple/';
const H1 = `sha256:${'a'.repeat(64)}`;
const H2 = `sha256:${'b'.repeat(64)}`;
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const read = (text: string) => readRequirementsText(text) as RequirementsSource;
/** What the launcher writes for a file's text: the one text pip reads. */
const written = (text: string) => {
  const source = readRequirementsText(text);
  if (isRefused(source)) throw new Error(`refused: line ${source.line}: ${source.refused}`);
  return writeRequirementsFile(source, 'index-url', URL);
};

describe('an item of a modules value is one plain requirement', () => {
  const isItem = (item: string) => !isRequirementRefusal(readRequirement(item, { marker: false }));
  it.each([
    'acme-pipelines',
    'acme-pipelines==1.4.0',
    'pandas>=2',
    'Py_Yaml~=6.0',
    'x[extra]==1.*',
    'a.b-c_d!=2.0rc1',
    'n===1.0+local',
  ])('%s is one', (item) => expect(isItem(item)).toBe(true));

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
    'acme.whl',
    'acme.tar.gz',
    '',
  ])('%j is not', (item) => expect(isItem(item)).toBe(false));
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

describe('a requirement, read into the model and written back in one spelling', () => {
  it.each([
    ['acme-pipelines==1.4.0', 'acme-pipelines==1.4.0'],
    ['pandas >= 2.0, < 3', 'pandas>=2.0,<3'],
    ['requests [ socks , http2 ] ~= 2.31', 'requests[socks,http2]~=2.31'],
    [
      "numpy; python_version >= '3.9' and platform_machine=='x86_64'",
      'numpy; python_version >= "3.9" and platform_machine == "x86_64"',
    ],
    [
      'numpy ;(os_name=="posix" or sys_platform == "linux") and extra != "x"',
      'numpy; (os_name == "posix" or sys_platform == "linux") and extra != "x"',
    ],
    ['attrs; python_version not  in "2.7"', 'attrs; python_version not in "2.7"'],
  ])('%j is written %j', (text, canonical) => {
    const requirement = readRequirement(text);
    expect(isRequirementRefusal(requirement)).toBe(false);
    expect(formatRequirement(requirement as never)).toBe(canonical);
  });

  it.each([
    ['acme @ https://evil/acme.whl', 'not plain'],
    ['acme.whl', 'a file to install'],
    ['acme.ZIP', 'a file to install'],
    ['acme (>=1)', 'not plain'],
    ['acme; os_name == "po six"', 'environment marker'],
    ['acme;', 'empty environment marker'],
    ['acme>=', 'not plain'],
  ])('%j is refused: %s', (text, phrase) => {
    const requirement = readRequirement(text);
    expect(isRequirementRefusal(requirement) && requirement.refused).toContain(phrase);
  });
});

describe('a requirements file, read as pip reads it', () => {
  it('pip-compile --generate-hashes output: continued lines, hashes, via comments', () => {
    const text = [
      '#',
      '# This file is autogenerated by pip-compile with Python 3.11',
      '#    pip-compile --generate-hashes requirements.in',
      '#',
      'acme-pipelines==1.4.0 \\',
      `    --hash=${H1} \\`,
      `    --hash=${H2}`,
      '    # via -r requirements.in',
      `pandas==2.2.3 ; python_version >= "3.9" \\`,
      `    --hash=${H1}`,
      '',
    ].join('\n');
    expect(read(text)).toEqual({
      requirements: [
        { name: 'acme-pipelines', extras: [], specifiers: ['==1.4.0'], hashes: [H1, H2] },
        { name: 'pandas', extras: [], specifiers: ['==2.2.3'], marker: 'python_version >= "3.9"', hashes: [H1] },
      ],
      options: [],
      indexLines: [],
    });
    expect(written(text)).toBe(
      `--index-url ${URL}\nacme-pipelines==1.4.0 --hash=${H1} --hash=${H2}\npandas==2.2.3; python_version >= "3.9" --hash=${H1}\n`,
    );
  });

  it('comments of any text: tabs, dashes, accents, CJK, backslashes, ${VAR}, an index URL', () => {
    const text = `acme==1.4.0\t# pinned — see ticket\nnumpy # façade: 数値計算 \\\n# ${EVIL} --index-url ${EVIL} \${PIP_INDEX_URL}\npandas\n`;
    expect(read(text).requirements.map(formatRequirement)).toEqual(['acme==1.4.0', 'numpy', 'pandas']);
    expect(written(text)).toBe(`--index-url ${URL}\nacme==1.4.0\nnumpy\npandas\n`);
  });

  it('every line break Python knows splits a line, as pip splits it; CRLF is one break; an index line is dropped', () => {
    for (const separator of ['\n', '\r\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029']) {
      const source = read(`acme${separator}--index-url ${EVIL}${separator}pandas`);
      expect([separator, source.requirements.map((r) => r.name), source.indexLines]).toEqual([
        separator,
        ['acme', 'pandas'],
        [{ line: 2, option: '--index-url' }],
      ]);
    }
  });

  it('a comment line ends no continuation, and its backslash continues nothing', () => {
    // pip: a line ending in \ is joined to the next, but not a comment line (req_file.join_lines).
    expect(readRequirementsText(`acme \\\n--pre\n`)).toEqual({
      refused: '--pre after a requirement, which pip ignores there (put it on a line of its own to have it read)',
      line: 1,
    });
    expect(read(`# a comment \\\nacme\n`).requirements.map((r) => r.name)).toEqual(['acme']);
  });

  it('keeps the options pip accepts in a file, each written once on a line of its own; drops index lines', () => {
    const text = `--pre\n-i ${EVIL}\n--only-binary :all:\n--extra-index-url=${EVIL} --prefer-binary\nacme\n--pre\n`;
    expect(read(text)).toEqual({
      requirements: [{ name: 'acme', extras: [], specifiers: [], hashes: [] }],
      options: ['--pre', '--only-binary=:all:', '--prefer-binary', '--pre'],
      indexLines: [
        { line: 2, option: '-i' },
        { line: 4, option: '--extra-index-url' },
      ],
    });
    expect(written(text)).toBe(`--index-url ${URL}\n--pre\n--only-binary=:all:\n--prefer-binary\nacme\n`);
  });

  it.each([
    ['-r https://evil/reqs.txt', 1, 'the pip option -r'],
    ['-c https://evil/constraints.txt', 1, 'the pip option -c'],
    [`acme\n--find-links ${EVIL}`, 2, 'the pip option --find-links'],
    [`-f ${EVIL}`, 1, 'the pip option -f'],
    ['--trusted-host evil', 1, 'the pip option --trusted-host'],
    ['--use-feature=truststore', 1, 'the pip option --use-feature'],
    ['--no-index', 1, '--no-index'],
    ['--upgrade', 1, 'the pip option --upgrade'],
    ['-q', 1, 'the pip option -q'],
    ['-e git+https://evil/x', 1, 'the pip option -e'],
    ['acme @ https://evil/acme.whl', 1, 'not plain'],
    ['https://evil/acme-1.0-py3-none-any.whl', 1, 'not plain'],
    ['./acme', 1, 'not plain'],
    ['acme-1.0-py3-none-any.whl', 1, 'a file to install'],
    ['acme --global-option=x', 1, 'the option --global-option after a requirement'],
    ['acme --config-settings=x', 1, 'the option --config-settings after a requirement'],
    ['acme --pre', 1, '--pre after a requirement, which pip ignores there (put it on a line of its own'],
    ['acme; os_name == "po six"', 1, 'environment marker'],
    ['acme==${VERSION}', 1, 'a $'],
    [`--index-url "${EVIL} --pre"`, 1, 'a quote'],
    ['acme --hash=sha256:abc', 1, 'the hash "sha256:abc"'],
    [`acme --hash=md5:${'a'.repeat(32)}`, 1, 'the hash'],
    [`acme\n--hash=${H1}`, 2, 'a --hash with no requirement before it'],
    ['acmé', 1, 'U+00E9 outside a comment'],
    ['acme\u00a0==1', 1, 'U+00A0 outside a comment'],
  ])('%j is refused at line %i: %s', (text, line, phrase) => {
    const got = readRequirementsText(text);
    expect(isRefused(got) && [got.line, got.refused]).toEqual([line, expect.stringContaining(phrase)]);
  });
});

describe('a requirements file’s bytes, decoded as pip decodes them', () => {
  it('UTF-8, with a BOM or a UTF-8 coding cookie in its first two lines', () => {
    expect(decodeRequirements(bytes('acme\n'))).toEqual({ text: 'acme\n' });
    expect(decodeRequirements(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('acme\n')]))).toEqual({ text: 'acme\n' });
    for (const cookie of ['# -*- coding: utf-8 -*-', '# coding=UTF8', '#!/x\n# vim: set fileencoding=utf_8 :']) {
      expect(decodeRequirements(bytes(`${cookie}\nacme\n`))).toEqual({ text: `${cookie}\nacme\n` });
    }
  });

  it('refuses another coding cookie (pip decodes by it: utf-7 turned a comment into an index line), naming its line', () => {
    const hidden = `# -*- coding: utf-7 -*-\nacme-pipelines # +AAo---index-url ${EVIL}\n`;
    expect(readRequirementsFile(bytes(hidden))).toEqual({
      refused:
        'it declares the coding utf-7, by which pip would decode it; save it as UTF-8 (without a coding line, or with # -*- coding: utf-8 -*-)',
      line: 1,
    });
    expect(readRequirementsFile(bytes(`#!/usr/bin/env pip\n# coding: latin-1\nacme\n`))).toMatchObject({ line: 2 });
    // A cookie on the third line is not one, to pip either.
    expect(readRequirementsFile(bytes(`acme\n\n# coding: latin-1\n`))).toMatchObject({
      requirements: [{ name: 'acme' }],
    });
  });

  it('refuses UTF-16 and UTF-32 (with a BOM, or NUL bytes without one) and text that is not UTF-8', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from('acme\n', 'utf16le')]);
    expect(readRequirementsFile(utf16)).toMatchObject({
      refused: expect.stringMatching(/^it is UTF-16 text; save it as UTF-8/),
    });
    expect(readRequirementsFile(new Uint8Array(Buffer.from('acme\n', 'utf16le')))).toMatchObject({
      refused: expect.stringMatching(/NUL byte, as UTF-16 text does/),
    });
    expect(readRequirementsFile(new Uint8Array([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]))).toMatchObject({
      refused: expect.stringMatching(/^it is UTF-32 text/),
    });
    expect(readRequirementsFile(new Uint8Array([0x61, 0x63, 0x6d, 0x65, 0x20, 0x23, 0xe9, 0x0a]))).toMatchObject({
      refused: expect.stringMatching(/^it is not UTF-8 text/),
      line: 0,
    });
  });
});

describe('the written file', () => {
  it('is ASCII and LF, the index first, each option once, then the requirements with their hashes', () => {
    const body = writeRequirementsFile(
      {
        options: ['--prefer-binary', '--prefer-binary', '--only-binary=:all:'],
        requirements: [
          { name: 'acme', extras: ['s3'], specifiers: ['==1.4.0'], hashes: [H1] },
          { name: 'pandas', extras: [], specifiers: ['>=2', '<3'], marker: 'python_version >= "3.9"', hashes: [] },
        ],
      },
      'extra-index-url',
      URL,
    );
    expect(body).toBe(
      `--extra-index-url ${URL}\n--prefer-binary\n--only-binary=:all:\nacme[s3]==1.4.0 --hash=${H1}\npandas>=2,<3; python_version >= "3.9"\n`,
    );
    expect(body).toMatch(/^[\x20-\x7e\n]*$/);
  });
});
