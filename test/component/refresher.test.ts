import { Readable } from 'node:stream';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-codeartifact';
import { GetJobCommand, UpdateJobCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { lambdaContext, REQUIREMENTS_BUCKET, SOURCE_TEXT, sourceUri, standingJob } from '../../local/tools/fixtures';
import { createRefresher } from '../../src/refresher';
import { ENCODED_TOKEN, TOKEN } from '../helpers/fakes';
import { fuzzRuns, NAMED, randomEvent } from '../helpers/fuzz';
import { captureOutput } from '../helpers/output';
import { BASE_ENV, mockedLauncher, sourceStore } from '../helpers/sdk-mocks';

// The standing refresher's container over the SDK's own clients, mocked: its middy chain, its logger at DEBUG, its
// metrics record. Every outcome is a result or a named error; no output holds the token.
jest.setTimeout(60_000);

const JOBS = ['orders-etl', 'billing-etl'];
const ENV = {
  AWS_REGION: BASE_ENV.AWS_REGION as string,
  CODEARTIFACT_DOMAIN: BASE_ENV.CODEARTIFACT_DOMAIN,
  CODEARTIFACT_DOMAIN_OWNER: BASE_ENV.CODEARTIFACT_DOMAIN_OWNER,
  CODEARTIFACT_REPOSITORY: BASE_ENV.CODEARTIFACT_REPOSITORY,
  REQUIREMENTS_BUCKET,
  STANDING_JOB_NAMES: JOBS.join(','),
  POWERTOOLS_LOG_LEVEL: 'DEBUG',
};

/** A refresher container over the mocks mockedLauncher sets up, standing jobs and their sources in place. */
const refresher = async (env: Record<string, string> = ENV) => {
  const mocks = mockedLauncher();
  mocks.glue.on(GetJobCommand).callsFake(({ JobName }) => ({ Job: standingJob(JobName) as never }));
  mocks.s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([Buffer.from(SOURCE_TEXT)]) }));
  const handler = createRefresher(env, { requirementsStore: await sourceStore() });
  const invoke = (event: unknown) => captureOutput(() => handler(event, lambdaContext()));
  return { ...mocks, invoke };
};

const said = (outcome: { result: unknown; error: unknown; output: string }) =>
  `${outcome.output}${JSON.stringify(outcome.result ?? null)}${outcome.error ? `${(outcome.error as Error).message}${(outcome.error as Error).stack}` : ''}`;

describe('the standing refresher’s container', () => {
  it('writes each file with its metadata, publishes its metrics, and says no token', async () => {
    const r = await refresher();
    const outcome = await r.invoke({});
    expect(outcome.error).toBeUndefined();
    expect((outcome.result as { refreshed?: unknown } | undefined)?.refreshed).toHaveLength(2);
    const puts = r.s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map((put) => put.Key)).toEqual(JOBS.map((job) => `glue-launcher-standing/${job}/requirements.txt`));
    expect(puts[0]?.Metadata).toEqual({
      'token-expires-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'source-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(String(puts[0]?.Body)).toContain(`--index-url https://aws:${ENCODED_TOKEN}@`);
    expect(
      r.codeartifact.commandCalls(GetAuthorizationTokenCommand).map((c) => c.args[0].input.durationSeconds),
    ).toEqual([43_200]);
    expect(r.glue.commandCalls(UpdateJobCommand)).toEqual([]);
    expect(r.s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual(
      JOBS.map((job) => ({ Bucket: 'team-requirements', Key: `${job}/requirements.txt` })),
    );
    expect(sourceUri('orders-etl')).toBe('s3://team-requirements/orders-etl/requirements.txt');
    const record = JSON.parse(outcome.output.split('\n').find((line) => line.includes('"_aws"')) as string);
    expect(record).toMatchObject({
      StandingFilesRefreshed: 2,
      StandingRefreshFailures: 0,
      TokenSecondsRequested: 43_200,
    });
    expect(said(outcome)).not.toContain(TOKEN);
    expect(said(outcome)).not.toContain(ENCODED_TOKEN);
  });

  it('a job that fails is named, the others refreshed, the failures counted by error name', async () => {
    const r = await refresher();
    r.glue
      .on(GetJobCommand, { JobName: 'billing-etl' })
      .resolves({ Job: standingJob('billing-etl', { GlueVersion: '4.0' }) as never });
    const outcome = await r.invoke({});
    expect(outcome.error).toMatchObject({ name: 'StandingRefreshFailed' });
    expect(r.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    const records = outcome.output
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line));
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ErrorName: 'UnsupportedJobType', StandingRefreshFailures: 1 }),
        expect.objectContaining({ StandingFilesRefreshed: 1, StandingRefreshFailures: 1 }),
      ]),
    );
    expect(said(outcome)).not.toContain(TOKEN);
  });

  it('a bad configuration is a ConfigError at every invocation, and nothing is called', async () => {
    const r = await refresher({ ...ENV, STANDING_JOB_NAMES: '' });
    const outcome = await r.invoke({});
    expect(outcome.error).toMatchObject({ name: 'ConfigError' });
    expect(r.glue.calls()).toEqual([]);
    expect(r.s3.calls()).toEqual([]);
  });

  it('any event: a result or a named error; an invalid one calls nothing; never the token', async () => {
    const r = await refresher();
    const tally = { events: 0 };
    const standingEvent = fc.oneof(
      randomEvent,
      fc.record({
        jobNames: fc.array(fc.oneof(fc.constantFrom(...JOBS, '', 'nightly-etl'), fc.string()), { maxLength: 4 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(standingEvent, async (event) => {
        r.glue.resetHistory();
        r.s3.resetHistory();
        r.codeartifact.resetHistory();
        const outcome = await r.invoke(event);
        tally.events += 1;
        expect(said(outcome)).not.toContain(TOKEN);
        if (outcome.error === undefined) return;
        const { name } = outcome.error as Error;
        expect(NAMED.has(name)).toBe(true);
        if (name === 'InvalidRequest') {
          expect(r.glue.calls()).toHaveLength(0);
          expect(r.s3.calls()).toHaveLength(0);
          expect(r.codeartifact.calls()).toHaveLength(0);
        }
      }),
      { numRuns: fuzzRuns(300) },
    );
    expect(tally.events).toBeGreaterThanOrEqual(fuzzRuns(300));
  });
});
