import type { StandIn } from '../../local/standin/server';
import { type BundleInvocation, type BundleSession, type InvokeOptions, invokeBundle } from '../../local/tools/bundle';
import { expectNoLeak } from './secrets';

/** Fails if a token issued since `issuedBefore` tokens leaked into what the function wrote or returned. */
export const expectNoTokenSince = (standIn: StandIn, issuedBefore: number, invocation: BundleInvocation): void => {
  const seen = JSON.stringify(invocation);
  for (const { token } of standIn.issuedTokens().slice(issuedBefore)) expectNoLeak(seen, token);
};

/**
 * Invokes the real bundle against the stand-in (a cold container) and checks that no token issued for this
 * invocation appears, in any spelling or as any 16 of its characters, in what the function wrote or returned.
 */
export const invokeAgainst = async (
  standIn: StandIn,
  event: unknown,
  env: Record<string, string> = {},
  options: InvokeOptions = {},
): Promise<BundleInvocation> => {
  const issuedBefore = standIn.issuedTokens().length;
  const invocation = await invokeBundle(event, { ...standIn.env(), ...env }, options);
  expectNoTokenSince(standIn, issuedBefore, invocation);
  return invocation;
};

/** The same, in a warm container. */
export const invokeSession = async (
  standIn: StandIn,
  session: BundleSession,
  event: unknown,
  timeoutMs?: number,
): Promise<BundleInvocation> => {
  const issuedBefore = standIn.issuedTokens().length;
  const invocation = await session.invoke(event, timeoutMs);
  expectNoTokenSince(standIn, issuedBefore, invocation);
  return invocation;
};

/** pip's "Looking in indexes" lines for a run: which indexes its start-up read (passwords masked by pip). */
export const indexesPipRead = (standIn: StandIn, runId: string): string[] =>
  (standIn.outcomeOf(runId)?.output ?? '').split('\n').filter((line) => line.startsWith('Looking in indexes:'));

/** The line pip prints when it reads the stand-in's private index, and no other. */
export const ONLY_THE_PRIVATE_INDEX =
  /^Looking in indexes: http:\/\/aws:\*\*\*\*@127\.0\.0\.1:\d+\/pypi\/private-pypi\/simple\/$/;

export const runIdOf = (invocation: BundleInvocation): string => {
  if (invocation.error) throw new Error(`${invocation.error.name}: ${invocation.error.message}\n${invocation.logs}`);
  return (invocation.result as { jobRunId: string }).jobRunId;
};
