import { indexHost, indexUrl, isRepositoryEndpoint } from '../../src/pip/index-url';

const ENDPOINT = 'https://data-platform-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/private-pypi/';
const HOST = 'data-platform-111122223333.d.codeartifact.eu-west-1.amazonaws.com';

/** awscli's PipLogin: '{scheme}://aws:{auth_token}@{netloc}{path}simple/' over urlsplit(endpoint). */
const awsCliPipUrl = (endpoint: string, token: string) => {
  const url = new URL(endpoint);
  return `${url.protocol}//aws:${token}@${url.host}${url.pathname}simple/`;
};

describe('indexUrl', () => {
  it('matches `aws codeartifact login --tool pip` for a plain token', () => {
    const token = 'eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.c2VjcmV0LXBhcnQ.bGFzdA';
    expect(indexUrl(ENDPOINT, token)).toBe(awsCliPipUrl(ENDPOINT, token));
    expect(indexUrl(ENDPOINT, token)).toBe(`https://aws:${token}@${HOST}/pypi/private-pypi/simple/`);
  });

  it('puts exactly one slash before simple/ whether or not the endpoint ends with one', () => {
    const withSlash = indexUrl(ENDPOINT, 't');
    const withoutSlash = indexUrl(ENDPOINT.replace(/\/$/, ''), 't');
    expect(withoutSlash).toBe(withSlash);
    expect(withSlash).toMatch(/\/private-pypi\/simple\/$/);
    expect(withSlash).not.toMatch(/\/\/simple/);
  });

  it('percent-encodes the token in the userinfo, and decoding gives the token back', () => {
    const token = 'a+b/c=d:e@f%g h';
    const url = indexUrl(ENDPOINT, token);
    expect(url).toBe(`https://aws:a%2Bb%2Fc%3Dd%3Ae%40f%25g%20h@${HOST}/pypi/private-pypi/simple/`);
    const parsed = new URL(url);
    expect(parsed.username).toBe('aws');
    expect(decodeURIComponent(parsed.password)).toBe(token);
    expect(parsed.host).toBe(HOST);
  });

  it('keeps a local endpoint with a port and plain http', () => {
    expect(indexUrl('http://127.0.0.1:4567/pypi/demo', 'tok')).toBe('http://aws:tok@127.0.0.1:4567/pypi/demo/simple/');
  });
});

describe('what may be said of the index', () => {
  it('its host, never the URL', () => {
    expect(indexHost(ENDPOINT)).toBe(HOST);
  });

  it('an endpoint is an http(s) URL with a host and no credentials of its own', () => {
    expect([ENDPOINT, 'http://127.0.0.1:4567/pypi/demo/'].map(isRepositoryEndpoint)).toEqual([true, true]);
    for (const bad of ['', 'not a url', 'ftp://host/pypi/', 'file:///etc/passwd', 'https://user:pw@host/pypi/']) {
      expect([bad, isRepositoryEndpoint(bad)]).toEqual([bad, false]);
    }
  });
});
