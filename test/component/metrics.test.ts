import { GetAuthorizationTokenCommand } from '@aws-sdk/client-codeartifact';
import { GetJobRunsCommand } from '@aws-sdk/client-glue';
import { METRIC_NAMES } from '../../src/observability';
import { captureOutput } from '../helpers/output';
import { BASE_ENV, mockedLauncher } from '../helpers/sdk-mocks';

// What each invocation publishes: one CloudWatch EMF record (Powertools Metrics), namespace GlueLauncher.

interface Emf {
  readonly _aws: {
    readonly CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  readonly [field: string]: unknown;
}

const records = (output: string): Emf[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((line) => '_aws' in line);

const published = async (arrange: (l: ReturnType<typeof mockedLauncher>) => void, event: unknown) => {
  const { output } = await captureOutput(async () => {
    const launcher = mockedLauncher(BASE_ENV);
    arrange(launcher);
    return launcher.invoke(event);
  });
  return records(output);
};

const values = (record: Emf | undefined) => Object.fromEntries(METRIC_NAMES.map((name) => [name, record?.[name]]));

describe('one metrics record per invocation', () => {
  it('a started run: RunsStarted 1, the token’s seconds, under the service dimension', async () => {
    const [record, ...more] = await published(() => undefined, {});
    expect(more).toEqual([]);
    expect(values(record)).toEqual({ RunsStarted: 1, RunsReused: 0, LaunchesFailed: 0, TokenSecondsRequested: 4500 });
    const [directive] = record?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe('GlueLauncher');
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(directive?.Metrics).toEqual([
      { Name: 'RunsStarted', Unit: 'Count' },
      { Name: 'RunsReused', Unit: 'Count' },
      { Name: 'LaunchesFailed', Unit: 'Count' },
      { Name: 'TokenSecondsRequested', Unit: 'Seconds' },
    ]);
    expect(record?.service).toBe('glue-launcher');
  });

  it('a reused run: RunsReused 1, and no token asked for', async () => {
    const [record] = await published(
      (l) =>
        l.glue.on(GetJobRunsCommand).resolves({
          JobRuns: [{ Id: 'jr_0', StartedOn: new Date(), Arguments: { '--launch-idempotency-key': 'k' } }],
        }),
      { idempotencyKey: 'k' },
    );
    expect(values(record)).toEqual({ RunsStarted: 0, RunsReused: 1, LaunchesFailed: 0, TokenSecondsRequested: 0 });
  });

  it('a failed launch: LaunchesFailed 1, also under an ErrorName dimension set', async () => {
    const denied = Object.assign(new Error('denied'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    const [record, ...more] = await published(
      (l) => l.codeartifact.on(GetAuthorizationTokenCommand).rejects(denied),
      {},
    );
    expect(more).toEqual([]);
    expect(values(record)).toEqual({ RunsStarted: 0, RunsReused: 0, LaunchesFailed: 1, TokenSecondsRequested: 4500 });
    expect(record?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service'], ['service', 'ErrorName']]);
    expect(record?.ErrorName).toBe('TokenUnavailable');
  });

  it('bad input and a bad configuration are counted too, by name', async () => {
    const [invalid] = await published(() => undefined, { jobNmae: 'x' });
    expect([invalid?.LaunchesFailed, invalid?.ErrorName]).toEqual([1, 'InvalidRequest']);
    const { output } = await captureOutput(async () =>
      mockedLauncher({ ...BASE_ENV, MAX_PARALLEL_STARTS: '0' }).invoke({}),
    );
    expect(records(output).map((r) => r.ErrorName)).toEqual(['ConfigError']);
  });
});
