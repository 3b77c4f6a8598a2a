import {
  CodeartifactClient,
  GetAuthorizationTokenCommand,
  GetRepositoryEndpointCommand,
} from '@aws-sdk/client-codeartifact';
import {
  GetJobCommand,
  type GetJobCommandOutput,
  GetJobRunsCommand,
  GlueClient,
  type Job,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { lambdaContext, SAFE_ENV, TEAM_REPOSITORY, teamJob } from '../../local/tools/fixtures';
import { createContainer } from '../../src/container';
import type { LaunchLock } from '../../src/ports';
import { ENDPOINT, EXPIRES, TOKEN } from './fakes';

export const BASE_ENV = {
  AWS_REGION: SAFE_ENV.AWS_REGION,
  CODEARTIFACT_DOMAIN: TEAM_REPOSITORY.domain,
  CODEARTIFACT_DOMAIN_OWNER: TEAM_REPOSITORY.owner,
  CODEARTIFACT_REPOSITORY: TEAM_REPOSITORY.repository,
  GLUE_JOB_NAME: 'nightly-etl',
  ALLOWED_JOB_NAMES: 'nightly-etl,hourly-etl,shell-job,ray-job,missing-job,busy-job',
};

/** GetJob's answer for a team's job (local/tools/fixtures.ts). */
export const sdkJob = (name: string, overrides: Partial<Job> = {}): GetJobCommandOutput => ({
  $metadata: {},
  Job: { ...(teamJob(name) as Job), ...overrides },
});

export interface MockedLauncher {
  readonly invoke: (event: unknown, remainingMs?: number) => Promise<unknown>;
  readonly glue: AwsClientStub<GlueClient>;
  readonly codeartifact: AwsClientStub<CodeartifactClient>;
  readonly s3: AwsClientStub<S3Client>;
}

// Class-level mocks: they cover every client of the class, the StartJobRun client included.
const glue = mockClient(GlueClient);
const codeartifact = mockClient(CodeartifactClient);
const s3 = mockClient(S3Client);

/** The S3 adapter from source (the bundle loads its own bundle of it), over the mocked client class. */
export const sourceStore = async () => {
  const { S3RequirementsStore, s3Client } = await import('../../src/aws/requirements-store');
  return new S3RequirementsStore(s3Client);
};

/**
 * A fresh container (configuration read from this environment) over the module-scope clients, mocked and reset:
 * no call can reach AWS. Its answers are all good: every job exists as a Spark job, runs start, tokens come.
 */
export const mockedLauncher = (
  env: Record<string, string | undefined> = BASE_ENV,
  loadRequirementsStore = sourceStore,
  loadLock?: (table: string) => Promise<LaunchLock>,
): MockedLauncher => {
  glue.reset();
  codeartifact.reset();
  s3.reset();
  s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
  glue.on(GetJobCommand).callsFake(({ JobName }) => sdkJob(JobName));
  glue.on(GetJobRunsCommand).resolves({ JobRuns: [] });
  glue.on(StartJobRunCommand).callsFake(({ JobName }) => ({ JobRunId: `jr_${JobName}` }));
  codeartifact.on(GetRepositoryEndpointCommand).resolves({ repositoryEndpoint: ENDPOINT });
  codeartifact.on(GetAuthorizationTokenCommand).resolves({ authorizationToken: TOKEN, expiration: EXPIRES });
  const handler = createContainer(env, {
    loadRequirementsStore,
    startEffectWindowMs: 20,
    ...(loadLock ? { loadLock } : {}),
  });
  return {
    invoke: (event, remainingMs) => handler(event, lambdaContext(remainingMs, 'c6af9ac6-7b61-11e6-9a41-93e812345678')),
    glue,
    codeartifact,
    s3,
  };
};
