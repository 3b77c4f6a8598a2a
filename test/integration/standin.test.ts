import {
  AccessDeniedException,
  CodeartifactClient,
  GetAuthorizationTokenCommand,
  GetRepositoryEndpointCommand,
  ValidationException,
} from '@aws-sdk/client-codeartifact';
import {
  ConcurrentRunsExceededException,
  EntityNotFoundException,
  GetJobCommand,
  GetJobRunsCommand,
  GlueClient,
  InvalidInputException,
  StartJobRunCommand,
  ThrottlingException,
} from '@aws-sdk/client-glue';
import { StandIn } from '../../local/standin/server';
import { standInClientConfig, teamJob } from '../../local/tools/fixtures';

// The stand-in must behave as the services do, or the integration tests prove nothing: these drive it with the
// real SDK clients and check what Glue's and CodeArtifact's API references say.
jest.setTimeout(30_000);

let standIn: StandIn;
let glue: GlueClient;
let codeartifact: CodeartifactClient;

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'check' });
  glue = new GlueClient(standInClientConfig(standIn));
  codeartifact = new CodeartifactClient(standInClientConfig(standIn));
  standIn.createJob(teamJob('etl'));
  standIn.createJob(
    teamJob('locked', {
      DefaultArguments: { '--x': 'default', '--y': 'default', '--z': 'default' },
      NonOverridableArguments: { '--x': 'locked' },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
    }),
  );
});
afterAll(() => standIn?.stop());
afterEach(() => {
  standIn.faults.clear();
  standIn.holdRuns = false;
});

const token = async () =>
  (await codeartifact.send(new GetAuthorizationTokenCommand({ domain: 'data-platform', durationSeconds: 900 })))
    .authorizationToken as string;

const index = (authorization?: string) =>
  fetch(`${standIn.url}/pypi/private-pypi/simple/acme-pipelines/`, {
    headers: authorization ? { authorization } : {},
  }).then((res) => res.status);

const basic = (password: string) => `Basic ${Buffer.from(`aws:${password}`).toString('base64')}`;

describe('Glue, over awsJson1_1', () => {
  it('refuses a request without a SigV4 signature', async () => {
    const res = await fetch(standIn.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSGlue.GetJob', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ JobName: 'etl' }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      Message: 'Missing Authentication Token',
    });
  });

  it('raises the SDK’s own exception classes', async () => {
    await expect(glue.send(new GetJobCommand({ JobName: 'nope' }))).rejects.toBeInstanceOf(EntityNotFoundException);
    await expect(glue.send(new GetJobRunsCommand({ JobName: 'etl', MaxResults: 201 }))).rejects.toBeInstanceOf(
      InvalidInputException,
    );
    standIn.failNext('GetJob', 1, 'throttle');
    await expect(glue.send(new GetJobCommand({ JobName: 'etl' }))).rejects.toBeInstanceOf(ThrottlingException);
  });

  it('applies NonOverridableArguments over run Arguments over DefaultArguments', async () => {
    const { JobRunId } = await glue.send(
      new StartJobRunCommand({ JobName: 'locked', Arguments: { '--x': 'run', '--y': 'run' } }),
    );
    const run = standIn.runs('locked').find((r) => r.Id === JobRunId);
    const job = (await glue.send(new GetJobCommand({ JobName: 'locked' }))).Job;
    expect(standIn.glue.effectiveArguments(job as never, run as never)).toEqual({
      '--x': 'locked',
      '--y': 'run',
      '--z': 'default',
    });
    await standIn.waitForRun(JobRunId as string);
  });

  it('enforces MaxConcurrentRuns and lists runs newest first', async () => {
    standIn.holdRuns = true;
    const first = await glue.send(new StartJobRunCommand({ JobName: 'locked' }));
    await expect(glue.send(new StartJobRunCommand({ JobName: 'locked' }))).rejects.toBeInstanceOf(
      ConcurrentRunsExceededException,
    );
    standIn.holdRuns = false;
    await standIn.waitForRun(first.JobRunId as string);
    const second = await glue.send(new StartJobRunCommand({ JobName: 'locked' }));
    const { JobRuns } = await glue.send(new GetJobRunsCommand({ JobName: 'locked', MaxResults: 2 }));
    expect(JobRuns?.map((r) => r.Id)).toEqual([second.JobRunId, first.JobRunId]);
    await standIn.waitForRun(second.JobRunId as string);
  });
});

describe('CodeArtifact, over restJson1', () => {
  it('issues tokens for 0 or 900..43200 seconds, and refuses other durations', async () => {
    await expect(
      codeartifact.send(new GetAuthorizationTokenCommand({ domain: 'data-platform', durationSeconds: 899 })),
    ).rejects.toBeInstanceOf(ValidationException);
    const zero = await codeartifact.send(
      new GetAuthorizationTokenCommand({ domain: 'data-platform', durationSeconds: 0 }),
    );
    expect(zero.authorizationToken).toMatch(/^[\w-]+(\.[\w-]+)+\.[\w+/]+={0,2}$/); // the last segment needs encoding
    const long = await codeartifact.send(
      new GetAuthorizationTokenCommand({ domain: 'data-platform', durationSeconds: 43_200 }),
    );
    const seconds = ((long.expiration as Date).getTime() - standIn.clock.now()) / 1000;
    expect(seconds).toBeGreaterThan(43_190);
    expect(seconds).toBeLessThanOrEqual(43_200);
  });

  it('gives the PyPI endpoint of the repository', async () => {
    const { repositoryEndpoint } = await codeartifact.send(
      new GetRepositoryEndpointCommand({ domain: 'data-platform', repository: 'private-pypi', format: 'pypi' }),
    );
    expect(repositoryEndpoint).toBe(`${standIn.url}/pypi/private-pypi/`);
  });

  it('answers injected faults with the service’s status and error type', async () => {
    standIn.failNext('GetAuthorizationToken', 1, 'accessDenied');
    const error = await codeartifact
      .send(new GetAuthorizationTokenCommand({ domain: 'data-platform' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect((error as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
  });
});

describe('the private index', () => {
  it('answers only a live token of its own', async () => {
    const live = await token();
    expect(await index()).toBe(401);
    expect(await index(basic('not-a-token'))).toBe(401);
    expect(await index(basic(live))).toBe(200);
    standIn.clock.advance(901);
    expect(await index(basic(live))).toBe(401);
  });
});

describe('fault injection', () => {
  it('adds latency per operation', async () => {
    standIn.faults.setLatency('GetJob', 150);
    const started = performance.now();
    await glue.send(new GetJobCommand({ JobName: 'etl' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hangs a call until the client gives up', async () => {
    standIn.hangNext('GetJob');
    const impatient = new GlueClient({
      ...standInClientConfig(standIn),
      requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
    });
    await expect(impatient.send(new GetJobCommand({ JobName: 'etl' }))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('drops a response after the operation took effect', async () => {
    const before = standIn.runs('etl').length;
    standIn.dropNext('StartJobRun');
    await expect(glue.send(new StartJobRunCommand({ JobName: 'etl' }))).rejects.toThrow();
    expect(standIn.runs('etl')).toHaveLength(before + 1);
  });
});
