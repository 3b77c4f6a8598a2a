import type { Call } from '../local/standin/server';

/** The calls to AWS (Glue and CodeArtifact), not pip's to the package index. */
export const awsCalls = (calls: readonly Call[]): Call[] => calls.filter((call) => call.service !== 'pypi');

/**
 * Sequential round trips on the critical path, from the stand-in's call log: calls that overlap in time
 * count once, so four calls in parallel then one more make two.
 */
export const roundTrips = (calls: readonly Call[]): number => {
  let trips = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const call of [...awsCalls(calls)].sort((a, b) => a.receivedAt - b.receivedAt)) {
    if (call.receivedAt > end) trips += 1;
    end = Math.max(end, call.respondedAt ?? call.receivedAt);
  }
  return trips;
};
