import fc from 'fast-check';
import { FRAGMENT, MASK, maskUrlPasswords, redact, redactToken, spellingsOf } from '../../src/token/redact';
import { TOKEN } from '../helpers/fakes';

/** Shaped like a CodeArtifact token: base64url segments joined by dots, over a thousand characters. */
const LONG_TOKEN = `eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.${'Zm9vYmFyLWJhei0'.repeat(70)}.c2VjcmV0+/=`;

describe('every spelling of the token is masked', () => {
  it.each([
    ['raw', (t: string) => t],
    ['percent-encoded', (t: string) => encodeURIComponent(t)],
    [
      'percent-encoded in lowercase hex',
      (t: string) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    ],
    ['JSON-escaped', (t: string) => JSON.stringify(t).slice(1, -1)],
    ['base64 of aws:<token>', (t: string) => Buffer.from(`aws:${t}`).toString('base64')],
    ['base64url of aws:<token>', (t: string) => Buffer.from(`aws:${t}`).toString('base64url')],
    ['cut to 40 characters', (t: string) => t.slice(100, 140)],
    ['cut to 16 characters', (t: string) => t.slice(500, 516)],
  ])('%s', (_how, spell) => {
    const text = `InvalidInputException: argument too long: ${spell(LONG_TOKEN)} (request 7)`;
    const clean = redactToken(text, LONG_TOKEN);
    expect(clean).toBe(`InvalidInputException: argument too long: ${MASK} (request 7)`);
  });

  it('any run of FRAGMENT or more characters, wherever it starts', () => {
    fc.assert(
      fc.property(fc.nat(LONG_TOKEN.length - FRAGMENT), fc.integer({ min: FRAGMENT, max: 300 }), (at, length) => {
        const clean = redactToken(`x ${LONG_TOKEN.slice(at, at + length)} y`, LONG_TOKEN);
        for (const spelling of spellingsOf(LONG_TOKEN)) expect(clean).not.toContain(spelling.slice(0, FRAGMENT));
        expect(clean).toMatch(/^x \*\*\*\* y$/);
      }),
      { numRuns: 300 },
    );
  });

  it('where the text begins and ends with it, or the token sits inside JSON quotes', () => {
    expect(redactToken(LONG_TOKEN, LONG_TOKEN)).toBe(MASK);
    expect(redactToken(`${LONG_TOKEN} (request 7)`, LONG_TOKEN)).toBe(`${MASK} (request 7)`);
    expect(redactToken(`argument too long: ${LONG_TOKEN}`, LONG_TOKEN)).toBe(`argument too long: ${MASK}`);
    const json = `{"password":${JSON.stringify(LONG_TOKEN)}}`;
    expect(redactToken(json, LONG_TOKEN)).toBe(`{"password":"${MASK}"}`);
  });

  // Tokens shorter than FRAGMENT are masked whole, in every spelling; these two have a base64 with "+" or "/" and "==".
  it.each([
    ['!>!', 'YXdzOiE+IQ==', 'YXdzOiE-IQ'],
    ['!?!', 'YXdzOiE/IQ==', 'YXdzOiE_IQ'],
  ])('a short token, %s, in base64 (%s) and base64url without padding (%s)', (token, base64, base64url) => {
    expect(redactToken(`Basic ${base64}, then ${base64url} and ${token}.`, token)).toBe(
      `Basic ${MASK}, then ${MASK} and ${MASK}.`,
    );
  });
  it('leaves text alone that holds no run of the token, and short common runs', () => {
    expect(redactToken('nothing secret here, eyJ2 is a common prefix', LONG_TOKEN)).toBe(
      'nothing secret here, eyJ2 is a common prefix',
    );
    expect(redactToken('no token yet', undefined)).toBe('no token yet');
    // An empty token has spellings too (the base64 of "aws:"), and none of them is a secret.
    expect(redactToken('YXdzOg== is the base64 of aws:', '')).toBe('YXdzOg== is the base64 of aws:');
  });
});

describe('URL passwords', () => {
  it('are masked in any URL, whatever the token', () => {
    expect(maskUrlPasswords('--index-url=https://aws:s3cr3t%2B@h.example/pypi/r/simple/ --upgrade')).toBe(
      '--index-url=https://aws:****@h.example/pypi/r/simple/ --upgrade',
    );
    expect(redact(`pip failed on https://aws:${TOKEN}@host/simple/ and http://u:p@other/`, TOKEN)).toBe(
      'pip failed on https://aws:****@host/simple/ and http://u:****@other/',
    );
  });
});
