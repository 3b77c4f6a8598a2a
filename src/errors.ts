/**
 * The error catalogue. Every failure a caller can see has one of these names: Lambda reports it as `errorType`, and
 * Step Functions `Retry`/`Catch` and Airflow match on it. The list is closed, and every error is made here, by the
 * constructor of its name, in the sentence shapes callers read (docs/adr/0006-one-closed-set-of-error-names.md).
 */
export const ERROR_NAMES = [
  'ConfigError',
  'InvalidRequest',
  'JobNotAllowed',
  'ArgumentNotAllowed',
  'JobNotFound',
  'InstallerOptionConflict',
  'UnsupportedJobType',
  'TokenUnavailable',
  'ConcurrentRunsExceeded',
  'IdempotencyConflict',
  'StartJobRunFailed',
  'OutOfTime',
  'LaunchInProgress',
] as const;

/**
 * The template.yaml parameter each configuration variable comes from, so that a message names what the user set;
 * the two the template sets itself (the bucket it creates, the prefix its grants are scoped to) have none.
 * Held here, with the sentence shapes, because every layer's messages name them; input/variables.ts checks the
 * variables against the same names.
 */
export const PARAMETERS = {
  CODEARTIFACT_DOMAIN: 'CodeArtifactDomain',
  CODEARTIFACT_DOMAIN_OWNER: 'CodeArtifactDomainOwner',
  CODEARTIFACT_REPOSITORY: 'CodeArtifactRepository',
  GLUE_JOB_NAME: 'GlueJobName',
  ALLOWED_JOB_NAMES: 'AllowedJobNames',
  ALLOWED_RUN_ARGUMENTS: 'AllowedRunArguments',
  PIP_INDEX_OPTION: 'PipIndexOption',
  TOKEN_DELIVERY: 'TokenDelivery',
  REQUIREMENTS_BUCKET: undefined,
  REQUIREMENTS_PREFIX: undefined,
  TOKEN_DURATION_SECONDS: 'TokenDurationSeconds',
  MAX_PARALLEL_STARTS: 'MaxParallelStarts',
  MAX_DPU: 'MaxDpu',
  IDEMPOTENCY_TABLE: 'IdempotencyTable',
} as const;

export type Setting = keyof typeof PARAMETERS;

/** `template parameter TokenDelivery`: where a deployment sets the variable. */
export const parameterOf = (variable: Setting): string => {
  const parameter = PARAMETERS[variable];
  return parameter === undefined ? 'set by the template' : `template parameter ${parameter}`;
};

/** `TOKEN_DELIVERY="file" (template parameter TokenDelivery)`: the variable, and where a deployment sets it. */
export const setting = (variable: Setting, value?: string): string =>
  `${value === undefined ? variable : `${variable}=${JSON.stringify(value)}`} (${parameterOf(variable)})`;

export type LauncherErrorName = (typeof ERROR_NAMES)[number];

/**
 * The names that answer the caller rather than report a failure of the launcher: the request was refused (bad,
 * not allowed, its key already used for another request), or must wait (another delivery of its key in flight, the
 * job at its concurrency limit), and the caller fixes or retries it. Counted as `RequestsRefused`, apart from
 * `LaunchesFailed`, so that the launcher's alarm fires on its own failures alone (docs/operations.md, Alarms).
 */
export const REFUSALS: ReadonlySet<LauncherErrorName> = new Set([
  'InvalidRequest',
  'JobNotAllowed',
  'ArgumentNotAllowed',
  'IdempotencyConflict',
  'LaunchInProgress',
  'ConcurrentRunsExceeded',
]);

/**
 * A failure with a name from the closed list and a one-sentence message that names the job and the cause. No
 * `cause` is attached: a cause is a service's error, whose text may echo the request, and with it the token; what
 * leaves is the sentence alone, scrubbed (docs/adr/0008-the-launcher-as-a-privilege-boundary.md).
 */
export class LauncherError extends Error {
  constructor(
    override readonly name: LauncherErrorName,
    message: string,
    /** A StartJobRun for the job was sent and not answered readably: its run may exist. */
    readonly mayHaveStarted = false,
  ) {
    super(message);
  }
}

export const isLauncherError = (error: unknown): error is LauncherError => error instanceof LauncherError;

/** `name: message` of whatever was thrown, on one line: messages repeat it, and a message is one sentence. */
export const describeCause = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').trim();
};

// The two sentence shapes of a job's failure. "was not started" is said only where no StartJobRun for the job was
// sent, or Glue answered it with a refusal; once a start may have reached Glue, the sentence says so.
const notStarted = (jobName: string, why: string) => `Job ${jobName} was not started: ${why}.`;
const mayHaveStarted = (jobName: string, why: string) => `Job ${jobName} may have started: ${why}.`;
const list = (names: readonly string[]) => names.join(', ');

// One constructor per name, each with the words its callers match on.

export const configError = (problems: readonly string[]) =>
  new LauncherError('ConfigError', `Invalid configuration: ${[...new Set(problems)].join('; ')}.`);

export const invalidRequest = (what: string) => new LauncherError('InvalidRequest', `Invalid launch request: ${what}.`);

export const jobNotAllowed = (jobNames: readonly string[]) =>
  new LauncherError(
    'JobNotAllowed',
    `Job ${list(jobNames)} ${jobNames.length > 1 ? 'are' : 'is'} not in ${setting('ALLOWED_JOB_NAMES')}, so nothing was started; add ${jobNames.length > 1 ? 'them' : 'it'} there to allow ${jobNames.length > 1 ? 'them' : 'it'}.`,
  );

/** `what`: "argument --key" or "run setting name". */
export const argumentNotAllowed = (jobName: string, what: string, why: string) =>
  new LauncherError(
    'ArgumentNotAllowed',
    notStarted(jobName, `${what} is not allowed, because ${why}; nothing was started`),
  );

export const jobNotFound = (jobName: string, detail: string) =>
  new LauncherError('JobNotFound', notStarted(jobName, `Glue has no such job (${detail})`));

export const installerOptionConflict = (jobName: string, why: string) =>
  new LauncherError('InstallerOptionConflict', notStarted(jobName, why));

export const unsupportedJobType = (jobName: string, why: string) =>
  new LauncherError('UnsupportedJobType', notStarted(jobName, why));

export const tokenUnavailable = (jobName: string, why: string) =>
  new LauncherError('TokenUnavailable', notStarted(jobName, why));

export const concurrentRunsExceeded = (jobName: string, detail: string) =>
  new LauncherError(
    'ConcurrentRunsExceeded',
    notStarted(jobName, `it already has as many runs as its MaxConcurrentRuns allows (${detail})`),
  );

/** `jobRunId`: the run the key started, when it is known (the lock may hold a key before its run exists). */
export const idempotencyConflict = (jobName: string, key: string, jobRunId?: string) =>
  new LauncherError(
    'IdempotencyConflict',
    notStarted(
      jobName,
      `idempotency key ${key} ${jobRunId === undefined ? 'is already used' : `already started run ${jobRunId}`} for a different request (other arguments or run settings); use a new key for a new request`,
    ),
  );

/** Another delivery of the same key is launching the job now (the optional lock): the caller retries. */
export const launchInProgress = (jobName: string, key: string) =>
  new LauncherError(
    'LaunchInProgress',
    notStarted(
      jobName,
      `another delivery of idempotency key ${key} is launching it now; retry in a moment, and you will get its run`,
    ),
  );

/** A start that did not happen: refused, or never sent because something before it failed. */
export const startJobRunFailed = (jobName: string, why: string) =>
  new LauncherError('StartJobRunFailed', notStarted(jobName, why));

/** A start that was sent and not answered readably: the run may exist. */
export const startUncertain = (jobName: string, why: string) =>
  new LauncherError('StartJobRunFailed', mayHaveStarted(jobName, why), true);

/** The function's time ran out: what became of each job. */
export const outOfTime = (said: readonly string[], anyMayHaveStarted: boolean) =>
  new LauncherError(
    'OutOfTime',
    `The function's time ran out before the launch ended: ${said.join('; ')}.`,
    anyMayHaveStarted,
  );

/** One job left unstarted because too little of the function's time was left to start it. */
export const jobOutOfTime = (jobName: string, why: string) => new LauncherError('OutOfTime', notStarted(jobName, why));

export interface FailedJob {
  readonly jobName: string;
  readonly error: LauncherError;
}

/**
 * A batch in which some job failed: each failed job with its cause, then each started one. One shared cause keeps
 * its name, so that a Step Functions Retry on it still matches.
 */
export const batchFailed = (
  total: number,
  failed: readonly FailedJob[],
  started: ReadonlyArray<{ readonly jobName: string; readonly jobRunId: string }>,
) => {
  const names = new Set(failed.map(({ error }) => error.name));
  const name = names.size === 1 ? (failed[0] as FailedJob).error.name : 'StartJobRunFailed';
  const causes = failed.map(({ jobName, error }) => `${jobName} (${error.name}: ${error.message.replace(/\.$/, '')})`);
  const startedText =
    started.length > 0 ? ` Started: ${started.map((run) => `${run.jobName} (${run.jobRunId})`).join(', ')}.` : '';
  const uncertain = failed.some(({ error }) => error.mayHaveStarted);
  const what = uncertain ? 'failed, and some may have started' : 'were not started';
  return new LauncherError(
    name,
    `${failed.length} of ${total} jobs ${what}: ${causes.join('; ')}.${startedText}`,
    uncertain,
  );
};

/**
 * The same error with its message reworded (scrubbed of secrets): a new error, so that its stack, which V8 writes
 * from the message, holds only the new words.
 */
export const reworded = (error: LauncherError, reword: (message: string) => string): LauncherError =>
  new LauncherError(error.name, reword(error.message), error.mayHaveStarted);

/**
 * The one converter of anything thrown into a named error: a `LauncherError` as it is, anything else (a bug, not a
 * service's answer) `StartJobRunFailed`, about the job when one is known. Scrubbing is the caller's: only it knows
 * the token.
 */
export const toLauncherError = (error: unknown, jobName?: string): LauncherError => {
  if (isLauncherError(error)) return error;
  const cause = describeCause(error);
  return jobName === undefined
    ? new LauncherError('StartJobRunFailed', `The launch failed unexpectedly: ${cause}.`)
    : startJobRunFailed(jobName, cause);
};
