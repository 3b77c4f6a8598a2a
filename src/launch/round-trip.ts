import { firstPageSize, type RecentRun } from '../domain/idempotency';
import { type Settled, settle } from '../domain/parallel';
import type { LaunchRequest } from '../domain/plan';
import { upfrontDuration } from '../domain/token';
import type { GlueJob } from '../ports';
import { earlierRuns } from './earlier-runs';
import type { LaunchDeps } from './types';

/** What round trip 1 brings for one request: its job, and, for a keyed launch, the job's earlier runs by key. */
export interface JobFacts {
  readonly request: LaunchRequest;
  readonly job: Promise<Settled<GlueJob>>;
  readonly earlier: Promise<Settled<ReadonlyMap<string, RecentRun>>> | undefined;
}

export type TokenWithDuration = { readonly token: string; readonly expiresAt: Date; readonly durationSeconds: number };

export interface RoundTrip {
  /** One per request, in order; requests for the same job share one GetJob (and one look for earlier runs). */
  readonly facts: readonly JobFacts[];
  readonly endpoint: Promise<Settled<string>>;
  /** Asked for before GetJob answered, when its lifetime could be known then. */
  readonly early: { readonly seconds: number; readonly token: Promise<Settled<TokenWithDuration>> } | undefined;
}

/** Asks CodeArtifact for a token that lives `seconds`, remembering what was asked (the expiry is rounded). */
export const fetchToken = (deps: LaunchDeps, seconds: number): Promise<Settled<TokenWithDuration>> => {
  deps.logger.debug('Requesting authorization token', { durationSeconds: seconds });
  deps.metrics.tokenRequested(seconds);
  return settle(deps.repository.authorizationToken(seconds).then((token) => ({ ...token, durationSeconds: seconds })));
};

const keysByJob = (requests: readonly LaunchRequest[]): Map<string, Set<string>> => {
  const keys = new Map<string, Set<string>>();
  for (const { jobName, idempotencyKey } of requests) {
    const set = keys.get(jobName) ?? new Set<string>();
    if (idempotencyKey !== undefined) set.add(idempotencyKey);
    keys.set(jobName, set);
  }
  return keys;
};

/**
 * Round trip 1: everything that depends on nothing else, at once. GetJob once per job name, the look for earlier
 * runs of the job names that have keyed launches (back to `horizon`), the repository endpoint and, when its
 * lifetime is already known, the token.
 */
export const beginRoundTrip = (requests: readonly LaunchRequest[], horizon: Date, deps: LaunchDeps): RoundTrip => {
  const endpoint = settle(deps.endpoint());
  const keys = keysByJob(requests);
  const asked = new Map<string, Omit<JobFacts, 'request'>>();
  const facts = requests.map((request): JobFacts => {
    const { jobName } = request;
    let known = asked.get(jobName);
    if (known === undefined) {
      const wanted = keys.get(jobName) ?? new Set<string>();
      known = {
        job: settle(deps.jobs.getJob(jobName)),
        earlier:
          wanted.size > 0
            ? settle(earlierRuns(deps.jobs, jobName, wanted, horizon, firstPageSize(wanted.size)))
            : undefined,
      };
      asked.set(jobName, known);
    }
    return { request, ...known };
  });
  const seconds = upfrontDuration(
    deps.settings.tokenDuration,
    requests.map((r) => ({ requestTimeout: r.timeout, jobTimeout: deps.jobTimeouts.get(r.jobName) })),
  );
  return { facts, endpoint, early: seconds === undefined ? undefined : { seconds, token: fetchToken(deps, seconds) } };
};
