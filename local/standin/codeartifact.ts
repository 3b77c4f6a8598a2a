import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { ServiceError } from './errors';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Shaped like CodeArtifact's tokens (base64url segments joined by dots), random, never reused. The last segment is
 * standard base64, padding included: a token with characters a URL must percent-encode (`+`, `/`, `=`) proves the
 * encoding end to end, through pip, and gives a leak in any encoded spelling something to show.
 */
const newToken = (issuedAt: number): string =>
  [
    b64url(JSON.stringify({ ver: 1, isu: Math.floor(issuedAt / 1000), enc: 'A128GCM', alg: 'A128GCMKW' })),
    b64url(randomBytes(24)),
    b64url(randomBytes(12)),
    b64url(randomBytes(96)),
    randomBytes(16).toString('base64'),
  ].join('.');

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly durationSeconds: number;
}

/** CodeArtifact's GetAuthorizationToken and GetRepositoryEndpoint for one domain and PyPI repository. */
export class CodeArtifact {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clock: Clock,
    readonly domain: string,
    readonly owner: string,
    readonly repository: string,
    private readonly indexBase: () => string,
  ) {}

  /**
   * Parameters as botocore's CodeArtifact model constrains them (domain, domain-owner, repository patterns; the
   * format enum): a malformed one is 400 ValidationException; a well-formed one that names nothing here is 404.
   */
  private checkDomain(query: URLSearchParams): void {
    const invalid = (field: string) =>
      new ServiceError(
        'ValidationException',
        `1 validation error detected: Value at '${field}' failed to satisfy constraint`,
      );
    if (!/^[a-z][a-z0-9-]{0,48}[a-z0-9]$/.test(query.get('domain') ?? '')) throw invalid('domain');
    const owner = query.get('domain-owner');
    if (owner !== null && !/^\d{12}$/.test(owner)) throw invalid('domainOwner');
    const repository = query.get('repository');
    if (repository !== null && !/^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/.test(repository)) throw invalid('repository');
    const format = query.get('format');
    if (format !== null && !['npm', 'pypi', 'maven', 'nuget', 'generic', 'ruby', 'swift', 'cargo'].includes(format)) {
      throw invalid('format');
    }
    if (query.get('domain') !== this.domain || (owner !== null && owner !== this.owner)) {
      throw new ServiceError('ResourceNotFoundException', `Domain ${query.get('domain')} not found`, 404);
    }
  }

  getAuthorizationToken(query: URLSearchParams): { authorizationToken: string; expiration: number } {
    this.checkDomain(query);
    const raw = query.get('duration');
    const duration = raw === null ? 43_200 : Number(raw);
    if (!Number.isInteger(duration) || (duration !== 0 && (duration < 900 || duration > 43_200))) {
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must be 0 or between 900 and 43200`,
      );
    }
    const now = this.clock.now();
    // 0 means "as long as the caller's session"; the stand-in's session is an hour.
    const seconds = duration === 0 ? 3600 : duration;
    const issued = { token: newToken(now), expiresAt: now + seconds * 1000, durationSeconds: duration };
    this.tokens.set(issued.token, issued);
    return { authorizationToken: issued.token, expiration: Math.floor(issued.expiresAt / 1000) };
  }

  getRepositoryEndpoint(query: URLSearchParams): { repositoryEndpoint: string } {
    this.checkDomain(query);
    if (query.get('repository') !== this.repository) {
      throw new ServiceError('ResourceNotFoundException', `Repository ${query.get('repository')} not found`, 404);
    }
    if (query.get('format') !== 'pypi') {
      throw new ServiceError(
        'ValidationException',
        `The stand-in serves only the pypi format, not ${query.get('format')}`,
      );
    }
    return { repositoryEndpoint: `${this.indexBase()}/pypi/${this.repository}/` };
  }

  /**
   * A token that expired `secondsAgo` seconds ago, as one pasted into a job's defaults long ago would have: for
   * demos and tests of stale URLs, without moving the clock (which would shift every later expiry too).
   */
  issueExpired(secondsAgo: number, durationSeconds = 900): string {
    const expiresAt = this.clock.now() - secondsAgo * 1000;
    const token = newToken(expiresAt - durationSeconds * 1000);
    this.tokens.set(token, { token, expiresAt, durationSeconds });
    return token;
  }

  isLive(token: string): boolean {
    const issued = this.tokens.get(token);
    return issued !== undefined && issued.expiresAt > this.clock.now();
  }

  issued(): readonly IssuedToken[] {
    return [...this.tokens.values()];
  }
}
