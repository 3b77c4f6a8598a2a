import {
  type CodeartifactClient,
  GetAuthorizationTokenCommand,
  GetRepositoryEndpointCommand,
} from '@aws-sdk/client-codeartifact';
import { describeCause, TokenUnavailable } from '../errors';
import type { AuthorizationToken, PackageIndex } from '../ports';

export interface RepositoryCoordinates {
  readonly domain: string;
  /** Unset: CodeArtifact takes the caller's account. */
  readonly domainOwner: string | undefined;
  readonly repository: string;
}

/** CodeArtifact's PyPI repository: its endpoint (cached for the container's life) and fresh tokens. */
export class CodeArtifactIndex implements PackageIndex {
  private endpoint: Promise<string> | undefined;

  constructor(
    private readonly client: CodeartifactClient,
    private readonly coordinates: RepositoryCoordinates,
  ) {}

  repositoryEndpoint(): Promise<string> {
    this.endpoint ??= this.fetchEndpoint().catch((error: unknown) => {
      this.endpoint = undefined; // a failure is not cached: the next invocation asks again
      throw error;
    });
    return this.endpoint;
  }

  private async fetchEndpoint(): Promise<string> {
    const { domain, domainOwner, repository } = this.coordinates;
    try {
      const { repositoryEndpoint } = await this.client.send(
        new GetRepositoryEndpointCommand({ domain, domainOwner, repository, format: 'pypi' }),
      );
      if (!repositoryEndpoint) throw new Error('GetRepositoryEndpoint returned no endpoint');
      return repositoryEndpoint;
    } catch (error) {
      throw new TokenUnavailable(
        `CodeArtifact did not give the endpoint of ${domain}/${repository}: ${describeCause(error)}`,
      );
    }
  }

  async authorizationToken(durationSeconds: number): Promise<AuthorizationToken> {
    const { domain, domainOwner } = this.coordinates;
    try {
      const { authorizationToken, expiration } = await this.client.send(
        new GetAuthorizationTokenCommand({ domain, domainOwner, durationSeconds }),
      );
      if (!authorizationToken || !expiration) throw new Error('GetAuthorizationToken returned no token');
      return { token: authorizationToken, expiresAt: expiration };
    } catch (error) {
      throw new TokenUnavailable(`CodeArtifact gave no token for domain ${domain}: ${describeCause(error)}`);
    }
  }
}
