import { keyedLaunchesPerJob, runsToSearch } from '../domain/idempotency';
import { type Settled, settle } from '../domain/parallel';
import type { LaunchRequest } from '../domain/plan';
import { upfrontDuration } from '../domain/token';
import type { GlueJob, RecentRun } from '../ports';
import type { LaunchDeps } from './types';

/** What round trip 1 brings for one request: its job, and the job's recent runs when a launch of it has a key. */
export interface JobFacts {
  readonly request: LaunchRequest;
  readonly job: Promise<Settled<GlueJob>>;
  readonly runs: Promise<Settled<readonly RecentRun[]>> | undefined;
}

export type TokenWithDuration = { readonly token: string; readonly expiresAt: Date; readonly durationSeconds: number };

export interface RoundTrip {
  /** One per request, in order; requests for the same job share one GetJob (and one GetJobRuns). */
  readonly facts: readonly JobFacts[];
  readonly endpoint: Promise<Settled<string>>;
  /** Asked for before GetJob answered, when its lifetime could be known then. */
  readonly early: { readonly seconds: number; readonly token: Promise<Settled<TokenWithDuration>> } | undefined;
}

/** Asks CodeArtifact for a token that lives `seconds`, remembering what was asked (the expiry is rounded). */
export const fetchToken = (deps: LaunchDeps, seconds: number): Promise<Settled<TokenWithDuration>> => {
  deps.logger.debug('Requesting authorization token', { durationSeconds: seconds });
  return settle(deps.repository.authorizationToken(seconds).then((token) => ({ ...token, durationSeconds: seconds })));
};

/**
 * Round trip 1: everything that depends on nothing else, at once. GetJob once per job name, GetJobRuns for the
 * job names that have keyed launches, the repository endpoint and, when its lifetime is already known, the token.
 */
export const beginRoundTrip = (requests: readonly LaunchRequest[], deps: LaunchDeps): RoundTrip => {
  const endpoint = settle(deps.endpoint());
  const keyed = keyedLaunchesPerJob(requests);
  const asked = new Map<string, Omit<JobFacts, 'request'>>();
  const facts = requests.map((request): JobFacts => {
    const { jobName } = request;
    let known = asked.get(jobName);
    if (known === undefined) {
      const launches = keyed.get(jobName) ?? 0;
      known = {
        job: settle(deps.jobs.getJob(jobName)),
        runs: launches > 0 ? settle(deps.jobs.recentRuns(jobName, runsToSearch(launches))) : undefined,
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
