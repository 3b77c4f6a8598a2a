import type { JobDefinition } from '../../local/glue';
import { type Invocation, type InvokeOptions, invokeBundle } from '../../local/invoke';
import type { StandIn } from '../../local/standin';

export const PRIVATE_PACKAGE = 'acme-pipelines==1.4.0';
export const OTHER_OPTIONS = '--no-cache-dir --upgrade';

/** A Spark job as a team has it today: a stale index URL in its defaults, among other pip options. */
export const sparkJob = (name: string, overrides: Partial<JobDefinition> = {}): JobDefinition => ({
  Name: name,
  Role: 'arn:aws:iam::111122223333:role/glue',
  Command: { Name: 'glueetl', ScriptLocation: `s3://scripts/${name}.py` },
  GlueVersion: '5.0',
  Timeout: 60,
  ExecutionProperty: { MaxConcurrentRuns: 5 },
  DefaultArguments: {
    '--job-language': 'python',
    '--additional-python-modules': PRIVATE_PACKAGE,
    '--python-modules-installer-option': `--index-url=https://aws:STALE@old.example/pypi/r/simple/ ${OTHER_OPTIONS}`,
  },
  ...overrides,
});

/**
 * Invokes the real bundle against the stand-in and checks, every time, that no token the stand-in ever
 * issued (raw or percent-encoded) appears in what the function wrote or returned.
 */
export const invokeAgainst = async (
  standIn: StandIn,
  event: unknown,
  env: Record<string, string> = {},
  options: InvokeOptions = {},
): Promise<Invocation> => {
  const invocation = await invokeBundle(event, { ...standIn.env(), ...env }, options);
  const seen = JSON.stringify(invocation);
  for (const { token } of standIn.issuedTokens()) {
    expect(seen).not.toContain(token);
    expect(seen).not.toContain(encodeURIComponent(token));
  }
  return invocation;
};

export const runIdOf = (invocation: Invocation): string => {
  if (invocation.error) throw new Error(`${invocation.error.name}: ${invocation.error.message}\n${invocation.logs}`);
  return (invocation.result as { jobRunId: string }).jobRunId;
};
