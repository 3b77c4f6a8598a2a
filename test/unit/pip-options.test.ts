import {
  ALLOWED_OPTIONS,
  isRefused,
  type ReadRules,
  readOptions,
  withInstallerIndex,
  words,
} from '../../src/pip/options';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const EVIL = 'http://evil.example/simple/';
const INSTALLER: ReadRules = { allow: () => true, trailingR: true };

/** The options kept, or the refusal's phrase. */
const read = (text: string, rules: ReadRules = INSTALLER) => {
  const got = readOptions(words(text), rules);
  return isRefused(got) ? { refused: got.refused } : { kept: got.kept, index: got.index, trailingR: got.trailingR };
};

// Each case as pip 23.2 reads it (test/integration/pip-options.test.ts runs real pip on the launcher's output).
describe('index options, in every spelling pip accepts, are removed with their values', () => {
  it.each([
    ['--index-url=https://old/simple/ --upgrade', ['--upgrade'], ['--index-url']],
    ['--index-url https://old/simple/ --upgrade', ['--upgrade'], ['--index-url']],
    ['-i https://old/simple/ --upgrade', ['--upgrade'], ['-i']],
    ['-ihttps://old/simple/ --upgrade', ['--upgrade'], ['-i']],
    [
      '--extra-index-url=https://a/ --extra-index-url https://b/ --no-cache-dir',
      ['--no-cache-dir'],
      ['--extra-index-url', '--extra-index-url'],
    ],
    ['--index=https://old/ --extra https://b/ --upgrade', ['--upgrade'], ['--index', '--extra']],
    ['--pypi-url https://old/ --pypi=https://b/', [], ['--pypi-url', '--pypi']],
    [`-Ui ${EVIL}`, ['-U'], ['-Ui']],
    [`-qi${EVIL}`, ['-q'], ['-qi']],
    [`-Uqi ${EVIL} --no-deps`, ['-U', '-q', '--no-deps'], ['-Uqi']],
    ['--upgrade --only-binary=:all: -i https://old/ -r', ['--upgrade', '--only-binary=:all:'], ['-i']],
    ['', [], []],
  ])('%j keeps %j', (text, kept, index) => {
    expect(read(text)).toEqual({ kept, index, trailingR: text.endsWith(' -r') });
  });

  it('a value may follow its option as the next word, and stays with it', () => {
    expect(read('--only-binary :all: --timeout 30 --upgrade-strategy eager')).toMatchObject({
      kept: ['--only-binary :all:', '--timeout 30', '--upgrade-strategy eager'],
    });
  });
});

describe('everything else is refused, named', () => {
  it.each([
    ['--no-index', '--no-index, with which pip would ignore every index'],
    ['--upgrade --no-ind', '--no-ind, with which pip would ignore every index'],
    [`-f ${EVIL}`, 'the pip option -f'],
    [`--find-links=${EVIL}`, 'the pip option --find-links'],
    ['-r https://evil.example/reqs.txt', 'the pip option -r'],
    ['-r reqs.txt', 'the pip option -r'],
    ['-c https://evil.example/c.txt', 'the pip option -c'],
    ['-e git+https://evil/x', 'the pip option -e'],
    ['--trusted-host evil.example', 'the pip option --trusted-host'],
    ['--config-settings x=y', 'the pip option --config-settings'],
    ['--target /tmp/x', 'the pip option --target'],
    ['--proxy http://p', 'the pip option --proxy'],
    ['--cert /ca.pem', 'the pip option --cert'],
    ['--upgr', 'the pip option --upgr'],
    ['-ri', 'the pip option -ri'],
    ['--upgrade=yes', 'a value for --upgrade, which takes none'],
    ['--upgrade-strategy sometimes', '--upgrade-strategy with the value "sometimes"'],
    ['--timeout', '--timeout with the value ""'],
    [`--timeout -i${EVIL}`, `--timeout with the value "-i${EVIL}"`],
    ['-Ufi x', 'the pip option -Ufi'],
    ['acme==1.0', 'the word acme==1.0, which is not a pip option'],
  ])('%j: %s', (text, refused) => {
    expect(read(text)).toEqual({ refused });
  });

  it('a bare -r only last, and only where the rules allow it', () => {
    expect(read('-r --upgrade')).toEqual({ refused: 'the pip option -r' });
    expect(read('--upgrade -r', { allow: () => true })).toEqual({ refused: 'the pip option -r' });
  });

  it('combined short flags of options that take no value are read apart, as every optparse reads them', () => {
    expect(read('-Uq -qq -vvI')).toMatchObject({ kept: ['-U', '-q', '-q', '-q', '-v', '-v', '-I'] });
    expect(read('-Ur')).toEqual({ refused: 'the pip option -Ur' });
  });

  it('in a requirements file, only the options pip accepts there', () => {
    const inFile = { allow: (option: (typeof ALLOWED_OPTIONS)[number]) => option.effect === 'file' };
    expect(read('--pre --prefer-binary --only-binary=:all:', inFile)).toMatchObject({
      kept: ['--pre', '--prefer-binary', '--only-binary=:all:'],
    });
    expect(read('--upgrade', inFile)).toEqual({ refused: 'the pip option --upgrade' });
    expect(read('-qq', inFile)).toEqual({ refused: 'the pip option -q (in -qq)' });
  });
});

describe('the allowlist', () => {
  it('gives every option a reason, and each spelling once', () => {
    const names = ALLOWED_OPTIONS.flatMap((option) => option.names);
    expect(new Set(names).size).toBe(names.length);
    expect(ALLOWED_OPTIONS.every((option) => option.reason.length > 0)).toBe(true);
  });
});

describe('withInstallerIndex', () => {
  it('puts the index first and keeps the other options in order', () => {
    expect(withInstallerIndex(['--upgrade', '--no-cache-dir', '-r'], 'index-url', URL)).toBe(
      `--index-url=${URL} --upgrade --no-cache-dir -r`,
    );
    expect(withInstallerIndex([], 'extra-index-url', URL)).toBe(`--extra-index-url=${URL}`);
  });
});
