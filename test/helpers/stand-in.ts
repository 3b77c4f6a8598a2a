import type { StandIn } from '../../local/standin/server';
import { type BundleInvocation, type InvokeOptions, invokeBundle } from '../../local/tools/bundle';

/**
 * Invokes the real bundle against the stand-in and checks, every time, that no token the stand-in ever
 * issued (raw or percent-encoded) appears in what the function wrote or returned.
 */
export const invokeAgainst = async (
  standIn: StandIn,
  event: unknown,
  env: Record<string, string> = {},
  options: InvokeOptions = {},
): Promise<BundleInvocation> => {
  const invocation = await invokeBundle(event, { ...standIn.env(), ...env }, options);
  const seen = JSON.stringify(invocation);
  for (const { token } of standIn.issuedTokens()) {
    expect(seen).not.toContain(token);
    expect(seen).not.toContain(encodeURIComponent(token));
  }
  return invocation;
};

export const runIdOf = (invocation: BundleInvocation): string => {
  if (invocation.error) throw new Error(`${invocation.error.name}: ${invocation.error.message}\n${invocation.logs}`);
  return (invocation.result as { jobRunId: string }).jobRunId;
};
