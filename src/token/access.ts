import { type Settled, settle } from '../concurrency';
import { endpointNotUrl, type TokenProblem } from '../errors';
import { indexHost, indexUrl, isRepositoryEndpoint } from '../pip/index-url';
import { failureDetail, type LaunchLogger, type LaunchMetrics, type PrivateRepository, ServiceFailure } from '../ports';
import { jobTimeoutMinutes, secondsNeeded, type TokenDurationChoice, tokenDuration, upfrontDuration } from './lifetime';

/**
 * The token decision, whole: how long the token must live, when it is asked for, and whether what CodeArtifact gave
 * may be used (docs/adr/0005-one-token-per-invocation.md). A launch asks for one in round trip 1 when its lifetime is
 * known before GetJob answers (`earlyToken`), then decides with every ready job known (`decideToken`): the early
 * token when it covers them all, else a new one. Nothing here starts or writes anything.
 */

/** What deciding a token needs: CodeArtifact through its port, and where to say what was asked. */
export interface TokenDeps {
  readonly repository: PrivateRepository;
  /** The repository endpoint, fetched once per container (`cachedEndpoint`). */
  readonly endpoint: () => Promise<string>;
  readonly config: {
    readonly tokenDuration: TokenDurationChoice;
    readonly domain: string;
    readonly repository: string;
  };
  /**
   * Each job's run timeout (minutes) as this container last saw it, so that a warm launch sizes its token before
   * GetJob answers: one round trip saved. GetJob still answers, and a job whose timeout grew gets a new token.
   */
  readonly jobTimeouts: Map<string, number>;
  readonly logger: LaunchLogger;
  readonly metrics: Pick<LaunchMetrics, 'tokenRequested'>;
  readonly clock: () => number;
}

/** What runs need to reach the private index, and what must never be repeated anywhere else. */
export interface IndexAccess {
  readonly url: string;
  readonly host: string;
  readonly expiresAt: Date;
  /** What was asked of CodeArtifact: `expiresAt` is rounded to the second, so needs are compared with this. */
  readonly durationSeconds: number;
  /** Scrubbed, in every spelling, from every message that leaves the launcher (token/redact.ts). */
  readonly token: string;
}

/**
 * A token that ends sooner than this is refused: a run's pip would not get far with it. CodeArtifact's shortest
 * lifetime (900 s) less a minute: its expiry is the request's time plus the duration, in whole seconds, so a token
 * asked for 900 s arrives with a little under 15 minutes left, and must be used (docs/adr/0020).
 */
export const MIN_TOKEN_LIFE_MS = 14 * 60 * 1000;

type TokenWithDuration = { readonly token: string; readonly expiresAt: Date; readonly durationSeconds: number };

/** A token asked for in round trip 1, and the lifetime it was asked for. */
export type EarlyToken = { readonly seconds: number; readonly token: Settled<TokenWithDuration> } | undefined;

/** One run the token must serve: the request's own timeout, and its job once GetJob has answered. */
export interface TokenUse {
  readonly jobName: string;
  readonly requestTimeout: number | undefined;
  /** A standing job's run, whose token may be written into its standing file (lifetime.ts `TokenNeed`). */
  readonly standing?: boolean | undefined;
  readonly job?: { readonly timeout?: number | undefined; readonly glueVersion?: string | undefined };
}

/** Asks CodeArtifact for a token that lives `seconds`, remembering what was asked (the expiry is rounded). */
function fetchToken(deps: TokenDeps, seconds: number): Promise<Settled<TokenWithDuration>> {
  deps.logger.debug('Requesting authorization token', { durationSeconds: seconds });
  deps.metrics.tokenRequested(seconds);
  return settle(deps.repository.authorizationToken(seconds).then((token) => ({ ...token, durationSeconds: seconds })));
}

/** Round trip 1's token: asked for at once when every run's lifetime is known before GetJob answers. */
export async function earlyToken(uses: readonly TokenUse[], deps: TokenDeps): Promise<EarlyToken> {
  const seconds = upfrontDuration(
    deps.config.tokenDuration,
    uses.map((use) => ({
      requestTimeout: use.requestTimeout,
      jobTimeout: deps.jobTimeouts.get(use.jobName),
      standing: use.standing,
    })),
  );
  return seconds === undefined ? undefined : { seconds, token: await fetchToken(deps, seconds) };
}

function checkedEndpoint(endpoint: string): string {
  if (isRepositoryEndpoint(endpoint)) return endpoint;
  throw new ServiceFailure('GetRepositoryEndpoint', 'unreadable', endpointNotUrl(endpoint));
}

/**
 * The repository's endpoint, asked for once per container. A failure, or an answer that is not a URL, is not
 * remembered: the next launch asks again.
 */
export function cachedEndpoint(repository: PrivateRepository): () => Promise<string> {
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
}

/** The index access, or what CodeArtifact did not give: each ready job then fails with `TokenUnavailable`. */
export type AccessOutcome =
  | { readonly ok: true; readonly access: IndexAccess }
  | { readonly ok: false; readonly problem: TokenProblem };

/**
 * The token for the ready runs: the early token when it was sized for enough, else a new one sized now that GetJob
 * has answered, checked before it is used (an endpoint that is a URL, at least 14 minutes of life). Each job's
 * timeout is remembered for the next launch; a fixed lifetime shorter than a run needs is said in a warning.
 */
export async function decideToken(
  uses: readonly TokenUse[],
  early: EarlyToken,
  endpoint: Settled<string>,
  deps: TokenDeps,
): Promise<AccessOutcome> {
  const needs = uses.map(({ jobName, requestTimeout, job, standing }) => {
    const jobTimeout = job === undefined ? undefined : jobTimeoutMinutes(job);
    if (jobTimeout !== undefined) deps.jobTimeouts.set(jobName, jobTimeout);
    return { jobName, requestTimeout, jobTimeout, standing };
  });
  const needed = tokenDuration(deps.config.tokenDuration, needs);
  // No early token, or one sized for a timeout the job no longer has: every run must get a token that covers it.
  const got = early && early.seconds >= needed ? early.token : await fetchToken(deps, needed);
  const { domain, repository } = deps.config;
  if (!endpoint.ok) {
    return { ok: false, problem: { missing: 'endpoint', domain, repository, detail: failureDetail(endpoint.error) } };
  }
  if (!got.ok) return { ok: false, problem: { missing: 'token', domain, detail: failureDetail(got.error) } };
  const { token, expiresAt, durationSeconds } = got.value;
  if (expiresAt.getTime() < deps.clock() + MIN_TOKEN_LIFE_MS)
    return { ok: false, problem: { missing: 'life', expiresAt } };
  for (const need of needs) {
    const runNeedsSeconds = secondsNeeded(need);
    if (durationSeconds < runNeedsSeconds) {
      deps.logger.warn('Token may expire before the run ends', {
        jobName: need.jobName,
        tokenSeconds: durationSeconds,
        runNeedsSeconds,
      });
    }
  }
  const access = {
    url: indexUrl(endpoint.value, token),
    token,
    host: indexHost(endpoint.value),
    expiresAt,
    durationSeconds,
  };
  deps.logger.debug('Authorization token ready', { indexHost: access.host, tokenExpiresAt: expiresAt.toISOString() });
  return { ok: true, access };
}
