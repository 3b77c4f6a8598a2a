import fc from 'fast-check';
import { keptWords, scanPipOptions, withInstallerIndex, words } from '../../src/pip/options';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const EVIL = 'http://evil.example/simple/';

// Each case as pip 23.2 reads it (test/integration/pip-options.test.ts runs real pip on every one).
describe('index options, in every spelling pip accepts, are removed with their values', () => {
  it.each([
    ['--index-url=https://old/simple/ --upgrade', ['--upgrade']],
    ['--index-url https://old/simple/ --upgrade', ['--upgrade']],
    ['-i https://old/simple/ --upgrade', ['--upgrade']],
    ['-ihttps://old/simple/ --upgrade', ['--upgrade']],
    ['--extra-index-url=https://a/ --extra-index-url https://b/ --no-cache-dir', ['--no-cache-dir']],
    ['--index=https://old/ --extra https://b/ --upgrade', ['--upgrade']],
    ['--ind https://old/ --ext=https://b/', []],
    ['--pypi-url https://old/ --pypi=https://b/', []], // pip's own alias of --index-url
    [`-Ui ${EVIL}`, ['-U']],
    [`-qi${EVIL}`, ['-q']],
    [`-Uqi ${EVIL} --no-deps`, ['-Uq', '--no-deps']],
    [`-vvvi ${EVIL}`, ['-vvv']],
    ['--upgrade --only-binary=:all: -i https://old/ -r', ['--upgrade', '--only-binary=:all:', '-r']],
    ['', []],
  ])('%j keeps %j', (options, kept) => {
    expect(keptWords(scanPipOptions(words(options)))).toEqual(kept);
  });

  it('keeps what only looks like an index option: values, other short groups, other long options', () => {
    const kept = ['--exists-action=i', '--isolated', '-I', '-ri', '-r', 'reqs.txt', '--cert', '/ca.pem', '--pre'];
    expect(keptWords(scanPipOptions(kept))).toEqual(kept);
  });

  it('removes a word that could be an index option to pip even when pip would find it ambiguous', () => {
    // --i, --e, --ex, --p could each be an index option among others: pip would refuse them, keeping them is unsafe.
    for (const word of ['--i=x', '--e=x', '--ex', '--p=x']) expect(scanPipOptions([word]).index).toHaveLength(1);
  });

  it('removes an index option standing where another option expects its value', () => {
    expect(keptWords(scanPipOptions(['--cert', `--index-url=${EVIL}`, '--upgrade']))).toEqual(['--cert', '--upgrade']);
    expect(keptWords(scanPipOptions(['-r', `-i${EVIL}`]))).toEqual(['-r']);
  });

  it('finds --no-index in every spelling, and what could be it', () => {
    for (const word of ['--no-index', '--no-ind', '--no-in', '--no-i'])
      expect(scanPipOptions([word]).noIndex).toBe(word);
    expect(scanPipOptions(['--no-deps', '--no-cache-dir', '--no-input']).noIndex).toBeUndefined();
  });
});

describe('withInstallerIndex', () => {
  it('puts the index first and keeps the other options in order, -r last', () => {
    const options = keptWords(scanPipOptions(words('--upgrade --index-url X --no-cache-dir -r')));
    expect(withInstallerIndex(options, 'index-url', URL)).toBe(`--index-url=${URL} --upgrade --no-cache-dir -r`);
  });

  it('uses --extra-index-url when configured', () => {
    expect(withInstallerIndex([], 'extra-index-url', URL)).toBe(`--extra-index-url=${URL}`);
  });
});

/** What pip would take as its index from these words: the last -i/--index-url/--pypi-url value (optparse store). */
const VOCABULARY = [
  '--upgrade',
  '-U',
  '-q',
  '--no-deps',
  '--pre',
  `--index-url=${EVIL}`,
  '--index-url',
  '--pypi-url',
  '--extra-index-url',
  '--ext',
  '--ind',
  '-i',
  `-i${EVIL}`,
  `-Ui`,
  `-Uqi${EVIL}`,
  '-r',
  'reqs.txt',
  '--cert',
  '--find-links',
  EVIL,
  'pandas==2.2.0',
];

describe('no sequence of words smuggles an index past the rewrite', () => {
  it('after the rewrite, no word that pip could read as an index option is left', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 12 }), (input) => {
        const kept = keptWords(scanPipOptions(input));
        // Scanning what is left finds nothing more: the rewrite is complete, not one layer deep.
        expect(scanPipOptions(kept).index).toEqual([]);
        expect(keptWords(scanPipOptions(kept))).toEqual(kept);
      }),
      { numRuns: 2000 },
    );
  });
});
