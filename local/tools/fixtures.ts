/**
 * The one fixture vocabulary of the tools, the tests and the benchmark: a team's CodeArtifact repository and its
 * private package, a team's jobs as they are today (a stale index URL pasted into their defaults), Lambda's context
 * and environment, and the settings that point an SDK client or the launcher at the stand-in. The stand-in serves
 * these; the unit tests' fakes and the component tests' SDK mocks answer with them.
 */
import type { JobDefinition } from '../standin/glue';
import type { StandIn } from '../standin/server';

/** The context fields Lambda gives a handler, for a function called glue-launcher. */
export const LAMBDA_CONTEXT = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'glue-launcher',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:glue-launcher',
  memoryLimitInMB: '128',
  logGroupName: '/aws/lambda/glue-launcher',
  logStreamName: '2026/11/21/[$LATEST]0123456789abcdef',
} as const;

/** A Lambda-like context whose remaining time counts down from `remainingMs`. */
export const lambdaContext = (remainingMs = 60_000, awsRequestId: string = crypto.randomUUID()) => {
  const deadline = Date.now() + remainingMs;
  return {
    ...LAMBDA_CONTEXT,
    awsRequestId,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * Variables Lambda's runtime sets that the function's libraries read: Powertools reports `cold_start` only when
 * `AWS_LAMBDA_INITIALIZATION_TYPE` says `on-demand`.
 */
export const LAMBDA_ENV: Readonly<Record<string, string>> = {
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_LAMBDA_FUNCTION_NAME: LAMBDA_CONTEXT.functionName,
  AWS_LAMBDA_FUNCTION_VERSION: LAMBDA_CONTEXT.functionVersion,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: LAMBDA_CONTEXT.memoryLimitInMB,
  AWS_LAMBDA_LOG_GROUP_NAME: LAMBDA_CONTEXT.logGroupName,
  // The SDK's notice that its 2027 releases need Node 22 is not news where Lambda runs Node 24.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Fake credentials and endpoints on a closed local port: whatever escapes a mock fails at once, never reaches AWS. */
export const SAFE_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
  AWS_SECRET_ACCESS_KEY: 'local-test-secret',
  AWS_ENDPOINT_URL_GLUE: 'http://127.0.0.1:9',
  AWS_ENDPOINT_URL_CODEARTIFACT: 'http://127.0.0.1:9',
};

/** A team's CodeArtifact domain and PyPI repository. */
export const TEAM_REPOSITORY = { domain: 'data-platform', owner: '111122223333', repository: 'private-pypi' } as const;

/** The private package the stand-in's index serves. */
export const DEMO_PACKAGE = { name: 'acme-pipelines', version: '1.4.0' } as const;
export const PRIVATE_REQUIREMENT = `${DEMO_PACKAGE.name}==${DEMO_PACKAGE.version}`;
export const DEMO_JOB_NAMES = ['nightly-etl', 'hourly-etl'] as const;
/** The bucket the tools' stand-ins keep for requirements-file delivery (the template creates one in AWS). */
export const REQUIREMENTS_BUCKET = 'glue-launcher-requirements';
/** The demo's Python shell 3.9 job (events/python-shell-request.json launches it). */
export const DEMO_PYTHON_SHELL_JOB = 'shell-etl';
/** pip options a team keeps beside its index URL, allowlisted and accepted in a requirements file: kept, in order. */
export const OTHER_PIP_OPTIONS = '--prefer-binary --only-binary=:none:';
export const STALE_INDEX_URL = 'https://aws:STALE@old.example/pypi/r/simple/';

/** The pip options a team's job has today: a stale index URL, then other options the launcher must keep, in order. */
export const TEAM_INSTALLER_OPTION = `--index-url=${STALE_INDEX_URL} ${OTHER_PIP_OPTIONS}`;

/**
 * A team's job as it is today: a Glue 5 Spark job with a one-hour timeout that installs the private package, with a
 * stale index URL among its other pip options. Glue's own shape (GetJob's `Job`, the stand-in's CreateJob).
 */
export const teamJob = (name: string, overrides: Partial<JobDefinition> = {}): JobDefinition => ({
  Name: name,
  Role: 'arn:aws:iam::111122223333:role/glue-demo',
  Command: { Name: 'glueetl', ScriptLocation: `s3://demo-scripts/${name}.py` },
  GlueVersion: '5.0',
  Timeout: 60,
  ExecutionProperty: { MaxConcurrentRuns: 10 },
  DefaultArguments: {
    '--job-language': 'python',
    '--additional-python-modules': PRIVATE_REQUIREMENT,
    '--python-modules-installer-option': TEAM_INSTALLER_OPTION,
  },
  ...overrides,
});

/**
 * A Python shell 3.9 job as a team has it today: pip's options inside the modules value (AWS's documented form for
 * Python shell), with a stale index URL.
 */
export const pythonShellJob = (
  name: string,
  indexUrl = STALE_INDEX_URL,
  overrides: Partial<JobDefinition> = {},
): JobDefinition => ({
  Name: name,
  Role: 'arn:aws:iam::111122223333:role/glue-demo',
  Command: { Name: 'pythonshell', ScriptLocation: `s3://demo-scripts/${name}.py`, PythonVersion: '3.9' },
  GlueVersion: '3.0',
  ExecutionProperty: { MaxConcurrentRuns: 10 },
  DefaultArguments: { '--additional-python-modules': `${PRIVATE_REQUIREMENT} -i ${indexUrl}` },
  ...overrides,
});

/** Every job the demo and `invoke --local` create: two Glue 5.0 Spark jobs and a Python shell 3.9 job. */
export const ALL_DEMO_JOBS: readonly string[] = [...DEMO_JOB_NAMES, DEMO_PYTHON_SHELL_JOB];

/** A demo job by name, its DefaultArguments carrying this index URL (a stale one unless said otherwise). */
export const demoJob = (name: string, indexUrl = STALE_INDEX_URL): JobDefinition => {
  if (name === DEMO_PYTHON_SHELL_JOB) return pythonShellJob(name, indexUrl);
  const defaults = teamJob(name).DefaultArguments;
  const installerOption = `--index-url=${indexUrl} ${OTHER_PIP_OPTIONS}`;
  return teamJob(name, { DefaultArguments: { ...defaults, '--python-modules-installer-option': installerOption } });
};

/** Settings for an SDK client of one's own (not the launcher's) that talks to the stand-in. */
export const standInClientConfig = (standIn: StandIn) => ({
  region: standIn.env().AWS_REGION,
  endpoint: standIn.url,
  credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
  maxAttempts: 1,
});

/** Everything the launcher needs to run against the stand-in: the SDK's settings, the repository and the jobs. */
export const launcherEnvironment = (
  standIn: StandIn,
  jobNames: readonly string[] = DEMO_JOB_NAMES,
): Record<string, string> => ({
  ...standIn.env(),
  GLUE_JOB_NAME: jobNames[0] ?? '',
  ALLOWED_JOB_NAMES: jobNames.join(','),
});

/** A time as EventBridge writes it: ISO 8601 to the second. */
const eventTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * An EventBridge scheduled-rule event with this id (the launch's idempotency key), sent now unless said otherwise:
 * its time bounds how far back the launcher looks for an earlier start of it.
 */
export const scheduledEvent = (id: string, time = eventTime(Date.now())) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time,
  region: 'eu-west-1',
  resources: [],
  detail: {},
});

/**
 * A scheduled launch ten minutes after the last one: the job's earlier runs are moved ten minutes into the past, so
 * that they are older than the event's lookup horizon (its time less 5 minutes), as for a job scheduled every ten
 * minutes or less often. For the benchmark and the race: without it, launch n's lookup would page through the n runs
 * started just before. (Moving the stand-in's clock forward instead would not do: the launcher takes an event time
 * ahead of its own clock as its own now, and the runs would all be newer than the horizon.)
 */
export const nextScheduledEvent = (standIn: StandIn) => {
  standIn.glue.ageRuns(10 * 60);
  return scheduledEvent(crypto.randomUUID(), eventTime(standIn.clock.now()));
};
