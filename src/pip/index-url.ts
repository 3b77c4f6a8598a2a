/** Whether CodeArtifact's answer can be an index: an https (or, for a local stand-in, http) URL with a host. */
export function isRepositoryEndpoint(endpoint: string): boolean {
  if (!URL.canParse(endpoint)) return false;
  const { protocol, host, username, password } = new URL(endpoint);
  return (protocol === 'https:' || protocol === 'http:') && host.length > 0 && username === '' && password === '';
}

/**
 * pip's index URL for a CodeArtifact repository, built the way `aws codeartifact login --tool pip` builds it
 * (`{scheme}://aws:{token}@{netloc}{path}simple/`, awscli's PipLogin), except that the token is
 * percent-encoded (AWS does not promise its character set) and exactly one `/` joins path and `simple/`.
 */
export function indexUrl(repositoryEndpoint: string, token: string): string {
  const endpoint = new URL(repositoryEndpoint);
  const path = endpoint.pathname.endsWith('/') ? endpoint.pathname : `${endpoint.pathname}/`;
  return `${endpoint.protocol}//aws:${encodeURIComponent(token)}@${endpoint.host}${path}simple/`;
}

/** What may be logged about the index: its host, never the URL (the URL carries the token). */
export function indexHost(repositoryEndpoint: string): string {
  return new URL(repositoryEndpoint).host;
}
