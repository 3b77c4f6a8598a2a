/**
 * The tests' own account of how a token can leak, written apart from src/domain/redact.ts so that the two check
 * each other: every spelling docs/adr/0008-the-launcher-as-a-privilege-boundary.md names, and any run of 16 or
 * more of a spelling's characters.
 */
export const leakSpellings = (token: string): string[] => {
  const encoded = encodeURIComponent(token);
  const basic = Buffer.from(`aws:${token}`).toString('base64');
  return [
    token,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (byte) => byte.toLowerCase()),
    JSON.stringify(token).slice(1, -1),
    basic,
    Buffer.from(`aws:${token}`).toString('base64url'),
  ];
};

const RUN = 16;

/** The first run of 16 characters of any spelling of the token found in the text, or undefined. */
export const leakIn = (text: string, token: string): string | undefined => {
  for (const spelling of leakSpellings(token)) {
    if (spelling.length < RUN && text.includes(spelling)) return spelling;
    for (let at = 0; at + RUN <= spelling.length; at += 1) {
      const run = spelling.slice(at, at + RUN);
      if (text.includes(run)) return run;
    }
  }
  return undefined;
};

/** Fails the test naming the leaked run (never the whole token). */
export const expectNoLeak = (text: string, token: string): void => {
  const leaked = leakIn(text, token);
  if (leaked !== undefined) throw new Error(`a run of the token leaked: ${JSON.stringify(leaked)} in output`);
};
