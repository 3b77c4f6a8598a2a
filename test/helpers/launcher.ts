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
import type { Context } from 'aws-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { createLauncher } from '../../src/launcher';

/** Not a real token: shaped like one (base64url segments and dots) plus characters that need encoding. */
export const TOKEN = 'eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.Zm9v+YmFy/YmF6=.c2VjcmV0';
export const ENCODED_TOKEN = encodeURIComponent(TOKEN);
export const ENDPOINT = 'https://data-platform-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/private-pypi/';
export const EXPIRES = new Date('2026-11-22T10:00:00.000Z');

export const BASE_ENV = {
  CODEARTIFACT_DOMAIN: 'data-platform',
  CODEARTIFACT_DOMAIN_OWNER: '111122223333',
  CODEARTIFACT_REPOSITORY: 'private-pypi',
  GLUE_JOB_NAME: 'nightly-etl',
  ALLOWED_JOB_NAMES: 'nightly-etl,hourly-etl,shell-job,ray-job,missing-job,busy-job',
};

export const sparkJob = (name: string, overrides: Partial<Job> = {}): GetJobCommandOutput => ({
  $metadata: {},
  Job: {
    Name: name,
    Command: { Name: 'glueetl', ScriptLocation: `s3://scripts/${name}.py` },
    GlueVersion: '5.0',
    Timeout: 60,
    DefaultArguments: {
      '--additional-python-modules': 'acme-pipelines==1.4.0',
      '--python-modules-installer-option': '--index-url=https://aws:STALE@old.example/pypi/r/simple/ --upgrade',
      '--job-language': 'python',
    },
    ...overrides,
  },
});

export const lambdaContext = (remainingMs = 60_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'glue-launcher',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:glue-launcher',
  memoryLimitInMB: '128',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/glue-launcher',
  logStreamName: '2026/11/21/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export interface Launcher {
  readonly invoke: (event: unknown, remainingMs?: number) => Promise<unknown>;
  readonly glue: AwsClientStub<GlueClient>;
  readonly codeartifact: AwsClientStub<CodeartifactClient>;
}

// Class-level mocks: they cover every client of the class, the StartJobRun client included.
const glue = mockClient(GlueClient);
const codeartifact = mockClient(CodeartifactClient);

/**
 * A fresh container (configuration read from this environment, an empty endpoint cache) over the
 * module-scope clients, mocked and reset: no call can reach AWS.
 */
export const loadLauncher = (env: Record<string, string | undefined> = BASE_ENV): Launcher => {
  glue.reset();
  codeartifact.reset();
  const handler = createLauncher(env);
  return { invoke: (event, remainingMs) => handler(event, lambdaContext(remainingMs)), glue, codeartifact };
};

/** A container whose AWS answers are all good: every job exists as a Spark job, runs start, tokens come. */
export const healthyLauncher = (env: Record<string, string | undefined> = BASE_ENV): Launcher => {
  const launcher = loadLauncher(env);
  launcher.glue.on(GetJobCommand).callsFake(({ JobName }) => sparkJob(JobName));
  launcher.glue.on(GetJobRunsCommand).resolves({ JobRuns: [] });
  launcher.glue.on(StartJobRunCommand).callsFake(({ JobName }) => ({ JobRunId: `jr_${JobName}` }));
  launcher.codeartifact.on(GetRepositoryEndpointCommand).resolves({ repositoryEndpoint: ENDPOINT });
  launcher.codeartifact.on(GetAuthorizationTokenCommand).resolves({ authorizationToken: TOKEN, expiration: EXPIRES });
  return launcher;
};

/** The error a promise rejected with, or a failed assertion if it resolved. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
};
