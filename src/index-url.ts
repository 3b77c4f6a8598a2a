/**
 * pip's index URL for a CodeArtifact repository, built the way `aws codeartifact login --tool pip` builds it
 * (`{scheme}://aws:{token}@{netloc}{path}simple/`, awscli's PipLogin), except that the token is
 * percent-encoded (AWS does not promise its character set) and exactly one `/` joins path and `simple/`.
 */
export const indexUrl = (repositoryEndpoint: string, token: string): string => {
  const endpoint = new URL(repositoryEndpoint);
  const path = endpoint.pathname.endsWith('/') ? endpoint.pathname : `${endpoint.pathname}/`;
  return `${endpoint.protocol}//aws:${encodeURIComponent(token)}@${endpoint.host}${path}simple/`;
};

/** What may be logged about the index: its host, never the URL (the URL carries the token). */
export const indexHost = (repositoryEndpoint: string): string => new URL(repositoryEndpoint).host;

const MASK = '****';

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

/** An index URL shown to people: the userinfo's password masked. */
export const maskIndexUrl = (url: string): string => url.replace(/(\/\/[^:/@\s]+:)[^@\s]*@/g, `$1${MASK}@`);
