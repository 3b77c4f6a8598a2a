import { indexHost, indexUrl, isRepositoryEndpoint } from '../domain/index-url';
import { jobTimeoutMinutes, tokenDuration } from '../domain/token';
import { type PrivateRepository, ServiceFailure } from '../ports';
import { detailOf } from './failures';
import { fetchToken, type RoundTrip } from './round-trip';
import type { LaunchDeps, Ready } from './types';

/** What runs need to reach the private index, and what must never be repeated anywhere else. */
export interface IndexAccess {
  readonly url: string;
  readonly host: string;
  readonly expiresAt: Date;
  /** What was asked of CodeArtifact: `expiresAt` is rounded to the second, so needs are compared with this. */
  readonly durationSeconds: number;
  /** Scrubbed, in every spelling, from every message that leaves the launcher (domain/redact.ts). */
  readonly token: string;
}

/** A token that ends sooner than this is refused: a run's pip would not get far with it. */
export const MIN_TOKEN_LIFE_MS = 15 * 60 * 1000;

const checkedEndpoint = (endpoint: string): string => {
  if (isRepositoryEndpoint(endpoint)) return endpoint;
  const shown = JSON.stringify(endpoint.length > 80 ? `${endpoint.slice(0, 80)}...` : endpoint);
  throw new ServiceFailure('GetRepositoryEndpoint', 'unreadable', `the endpoint ${shown} is not an http(s) URL`);
};

/**
 * The repository's endpoint, asked for once per container. A failure, or an answer that is not a URL, is not
 * remembered: the next launch asks again.
 */
export const cachedEndpoint = (repository: PrivateRepository): (() => Promise<string>) => {
  let endpoint: Promise<string> | undefined;
  return () => {
    endpoint ??= repository
      .repositoryEndpoint()
      .then(checkedEndpoint)
      .catch((error: unknown) => {
        endpoint = undefined;
        throw error;
      });
    return endpoint;
  };
};

/** The index access, or why CodeArtifact could not give it. */
export type AccessOutcome =
  | { readonly ok: true; readonly value: IndexAccess }
  | { readonly ok: false; readonly reason: string };

/**
 * The index URL for the ready jobs, with a token that covers every one of them: the early token when it was
 * sized for enough, else a new one sized now that GetJob has answered.
 */
export const indexAccess = async (
  ready: readonly Ready[],
  trip: RoundTrip,
  deps: LaunchDeps,
): Promise<AccessOutcome> => {
  const needed = tokenDuration(
    deps.settings.tokenDuration,
    ready.map(({ request, job }) => ({ requestTimeout: request.timeout, jobTimeout: jobTimeoutMinutes(job) })),
  );
  // No early token, or one sized for a timeout the job no longer has: every run must get a token that covers it.
  const token = trip.early && trip.early.seconds >= needed ? trip.early.token : fetchToken(deps, needed);
  const [endpoint, got] = await Promise.all([trip.endpoint, token]);
  const { domain, repository } = deps.settings;
  if (!endpoint.ok) {
    return {
      ok: false,
      reason: `CodeArtifact did not give the endpoint of ${domain}/${repository}: ${detailOf(endpoint.error)}`,
    };
  }
  if (!got.ok) return { ok: false, reason: `CodeArtifact gave no token for domain ${domain}: ${detailOf(got.error)}` };
  const { token: secret, expiresAt, durationSeconds } = got.value;
  if (expiresAt.getTime() < deps.clock() + MIN_TOKEN_LIFE_MS) {
    return {
      ok: false,
      reason: `CodeArtifact gave a token that expires at ${expiresAt.toISOString()}, less than 15 minutes from now`,
    };
  }
  const url = indexUrl(endpoint.value, secret);
  return {
    ok: true,
    value: { url, token: secret, host: indexHost(endpoint.value), expiresAt, durationSeconds },
  };
};
