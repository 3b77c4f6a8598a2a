export const MASK = '****';

/**
 * Removes every spelling of the given secrets from a text (raw and percent-encoded), for messages that
 * repeat what a service said: Glue may echo a run's arguments back in an error.
 */
export const redact = (text: string, secrets: readonly string[]): string => {
  const spellings = secrets
    .filter((secret) => secret.length > 0)
    .flatMap((secret) => [secret, encodeURIComponent(secret)])
    .sort((a, b) => b.length - a.length);
  return spellings.reduce((result, spelling) => result.split(spelling).join(MASK), text);
};

/** A text shown to people with the password of every URL in it masked (`scheme://user:****@host`). */
export const maskUrlPasswords = (text: string): string => text.replace(/(\/\/[^:/@\s]+:)[^@\s]*@/g, `$1${MASK}@`);
