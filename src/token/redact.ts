export const MASK = '****';

/** Runs of a secret this long or longer are masked wherever they appear: enough to rule out chance matches. */
export const FRAGMENT = 16;

function lowerHex(text: string) {
  return text.replace(/%[0-9A-F]{2}/g, (byte) => byte.toLowerCase());
}

/**
 * Every way a token can travel in a text a service sends back: raw, percent-encoded (either case of hex), escaped
 * inside JSON, and as the base64 of `aws:<token>` (an HTTP Basic credential) in both base64 alphabets.
 */
export function spellingsOf(token: string): string[] {
  const basic = Buffer.from(`aws:${token}`).toString('base64');
  return [
    token,
    encodeURIComponent(token),
    lowerHex(encodeURIComponent(token)),
    JSON.stringify(token).slice(1, -1),
    basic,
    basic.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  ];
}

/**
 * The text with every spelling of the token masked, and every run of FRAGMENT or more characters of one (a token
 * cut short by a service's message limit is still a secret).
 */
export function redactToken(text: string, token: string | undefined): string {
  if (token === undefined || token.length === 0) return text;
  const windows = new Set<string>();
  for (const spelling of spellingsOf(token)) {
    if (spelling.length < FRAGMENT) windows.add(spelling);
    for (let at = 0; at + FRAGMENT <= spelling.length; at += 1) windows.add(spelling.slice(at, at + FRAGMENT));
  }
  const hidden = new Array<boolean>(text.length).fill(false);
  for (const length of new Set([...windows].map((w) => w.length))) {
    for (let at = 0; at + length <= text.length; at += 1) {
      if (windows.has(text.slice(at, at + length))) hidden.fill(true, at, at + length);
    }
  }
  let out = '';
  for (let at = 0; at < text.length; at += 1) {
    if (!hidden[at]) out += text[at];
    else if (at === 0 || !hidden[at - 1]) out += MASK;
  }
  return out;
}

/** A text shown to people with the password of every URL in it masked (`scheme://user:****@host`). */
export function maskUrlPasswords(text: string): string {
  return text.replace(/(\/\/[^:/@\s]+:)[^@\s]*@/g, `$1${MASK}@`);
}

/** What may leave the launcher of a text that may repeat a service's words: no token, no URL password. */
export function redact(text: string, token: string | undefined): string {
  return maskUrlPasswords(redactToken(text, token));
}
