import {
  type CodeartifactClient,
  GetAuthorizationTokenCommand,
  GetRepositoryEndpointCommand,
} from '@aws-sdk/client-codeartifact';
import type { AuthorizationToken, PrivateRepository } from '../ports';
import { incomplete, translated } from './failure';

export interface RepositoryCoordinates {
  readonly domain: string;
  /** Unset: CodeArtifact takes the caller's account. */
  readonly domainOwner: string | undefined;
  readonly repository: string;
}

/** CodeArtifact's GetRepositoryEndpoint and GetAuthorizationToken for one PyPI repository. */
export class CodeArtifactRepository implements PrivateRepository {
  constructor(
    private readonly client: CodeartifactClient,
    private readonly coordinates: RepositoryCoordinates,
  ) {}

  async repositoryEndpoint(): Promise<string> {
    const { domain, domainOwner, repository } = this.coordinates;
    const { repositoryEndpoint } = await translated('GetRepositoryEndpoint', () =>
      this.client.send(new GetRepositoryEndpointCommand({ domain, domainOwner, repository, format: 'pypi' })),
    );
    if (!repositoryEndpoint) throw incomplete('GetRepositoryEndpoint', 'endpoint');
    return repositoryEndpoint;
  }

  async authorizationToken(durationSeconds: number): Promise<AuthorizationToken> {
    const { domain, domainOwner } = this.coordinates;
    const { authorizationToken, expiration } = await translated('GetAuthorizationToken', () =>
      this.client.send(new GetAuthorizationTokenCommand({ domain, domainOwner, durationSeconds })),
    );
    if (!authorizationToken || !expiration) throw incomplete('GetAuthorizationToken', 'token');
    return { token: authorizationToken, expiresAt: expiration };
  }
}
