import { GetAuthorizationTokenCommand } from '@aws-sdk/client-codeartifact';
import { GetJobRunsCommand } from '@aws-sdk/client-glue';
import { ERROR_NAMES, REFUSALS } from '../../src/errors';
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
    expect(values(record)).toEqual({
      RunsStarted: 1,
      RunsReused: 0,
      LaunchesFailed: 0,
      RequestsRefused: 0,
      TokenSecondsRequested: 4500,
    });
    const [directive] = record?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe('GlueLauncher');
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(directive?.Metrics).toEqual([
      { Name: 'RunsStarted', Unit: 'Count' },
      { Name: 'RunsReused', Unit: 'Count' },
      { Name: 'LaunchesFailed', Unit: 'Count' },
      { Name: 'RequestsRefused', Unit: 'Count' },
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
    expect(values(record)).toEqual({
      RunsStarted: 0,
      RunsReused: 1,
      LaunchesFailed: 0,
      RequestsRefused: 0,
      TokenSecondsRequested: 0,
    });
  });

  it('a launch the launcher failed: LaunchesFailed 1, also under an ErrorName dimension set', async () => {
    const denied = Object.assign(new Error('denied'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    const [record, ...more] = await published(
      (l) => l.codeartifact.on(GetAuthorizationTokenCommand).rejects(denied),
      {},
    );
    expect(more).toEqual([]);
    expect(values(record)).toEqual({
      RunsStarted: 0,
      RunsReused: 0,
      LaunchesFailed: 1,
      RequestsRefused: 0,
      TokenSecondsRequested: 4500,
    });
    expect(record?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service'], ['service', 'ErrorName']]);
    expect(record?.ErrorName).toBe('TokenUnavailable');
  });

  it('a refused request counts as RequestsRefused, not LaunchesFailed; a bad configuration is the launcher’s', async () => {
    const [invalid] = await published(() => undefined, { jobNmae: 'x' });
    expect([invalid?.LaunchesFailed, invalid?.RequestsRefused, invalid?.ErrorName]).toEqual([0, 1, 'InvalidRequest']);
    const [elsewhere] = await published(() => undefined, { jobName: 'payroll' });
    expect([elsewhere?.LaunchesFailed, elsewhere?.RequestsRefused, elsewhere?.ErrorName]).toEqual([
      0,
      1,
      'JobNotAllowed',
    ]);
    const { output } = await captureOutput(async () =>
      mockedLauncher({ ...BASE_ENV, MAX_PARALLEL_STARTS: '0' }).invoke({}),
    );
    expect(records(output).map((r) => [r.LaunchesFailed, r.RequestsRefused, r.ErrorName])).toEqual([
      [1, 0, 'ConfigError'],
    ]);
  });

  it('every error name is a refusal or a failure, and refusals are the caller’s: bad, not allowed, or to retry', () => {
    expect([...REFUSALS].sort()).toEqual([
      'ArgumentNotAllowed',
      'ConcurrentRunsExceeded',
      'IdempotencyConflict',
      'InvalidRequest',
      'JobNotAllowed',
      'LaunchInProgress',
    ]);
    expect([...REFUSALS].every((name) => (ERROR_NAMES as readonly string[]).includes(name))).toBe(true);
  });
});
