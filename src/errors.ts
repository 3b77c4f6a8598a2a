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
  'StandingRefreshFailed',
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
  STANDING_JOB_NAMES: 'StandingJobNames',
  STANDING_PREFIX: undefined,
} as const;

export type ConfigVariable = keyof typeof PARAMETERS;

/** `template parameter TokenDelivery`: where a deployment sets the variable. */
export function parameterOf(variable: ConfigVariable): string {
  const parameter = PARAMETERS[variable];
  return parameter === undefined ? 'set by the template' : `template parameter ${parameter}`;
}

/** `TOKEN_DELIVERY="file" (template parameter TokenDelivery)`: the variable, and where a deployment sets it. */
export function variableText(variable: ConfigVariable, value?: string): string {
  return `${value === undefined ? variable : `${variable}=${JSON.stringify(value)}`} (${parameterOf(variable)})`;
}

export type LauncherErrorName = (typeof ERROR_NAMES)[number];

/**
 * The names that answer the caller rather than report a failure of the launcher: the request was refused (bad,
 * not allowed, its key already used for another request), or must wait (another invocation with its key in flight, the
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
    /** Why, without the job: the cause of a job's sentence, which a standing refresh retells about the job's file. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export function isLauncherError(error: unknown): error is LauncherError {
  return error instanceof LauncherError;
}

/** `name: message` of whatever was thrown, on one line: messages repeat it, and a message is one sentence. */
export function describeCause(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').trim();
}

// The two sentence shapes of a job's failure. "was not started" is said only where no StartJobRun for the job was
// sent, or Glue answered it with a refusal; once a start may have reached Glue, the sentence says so.
/** A job's failure before any start: the sentence, and its reason without the job, which a standing refresh retells. */
function notStartedError(name: LauncherErrorName, jobName: string, why: string) {
  return new LauncherError(name, `Job ${jobName} was not started: ${why}.`, false, why);
}
function mayHaveStarted(jobName: string, why: string) {
  return `Job ${jobName} may have started: ${why}.`;
}
function list(names: readonly string[]) {
  return names.join(', ');
}

// One constructor per name, each with the words its callers match on.

export function configError(problems: readonly string[]) {
  return new LauncherError('ConfigError', `Invalid configuration: ${[...new Set(problems)].join('; ')}.`);
}

export function invalidRequest(what: string) {
  return new LauncherError('InvalidRequest', `Invalid launch request: ${what}.`);
}

export function jobNotAllowed(jobNames: readonly string[]) {
  return new LauncherError(
    'JobNotAllowed',
    `Job ${list(jobNames)} ${jobNames.length > 1 ? 'are' : 'is'} not in ${variableText('ALLOWED_JOB_NAMES')}, so nothing was started; add ${jobNames.length > 1 ? 'them' : 'it'} there to allow ${jobNames.length > 1 ? 'them' : 'it'}.`,
  );
}

/** `what`: "argument --key" or "run setting name". */
export function argumentNotAllowed(jobName: string, what: string, why: string) {
  return notStartedError('ArgumentNotAllowed', jobName, `${what} is not allowed, because ${why}; nothing was started`);
}

export function jobNotFound(jobName: string, detail: string) {
  return notStartedError('JobNotFound', jobName, `Glue has no such job (${detail})`);
}

export function installerOptionConflict(jobName: string, why: string) {
  return notStartedError('InstallerOptionConflict', jobName, why);
}

export function unsupportedJobType(jobName: string, why: string) {
  return notStartedError('UnsupportedJobType', jobName, why);
}

export function concurrentRunsExceeded(jobName: string, detail: string) {
  return notStartedError(
    'ConcurrentRunsExceeded',
    jobName,
    `it already has as many runs as its MaxConcurrentRuns allows (${detail})`,
  );
}

/** `jobRunId`: the run the key started, when it is known (the lock may hold a key before its run exists). */
export function idempotencyConflict(jobName: string, key: string, jobRunId?: string) {
  return notStartedError(
    'IdempotencyConflict',
    jobName,
    `idempotency key ${key} ${jobRunId === undefined ? 'is already used' : `already started run ${jobRunId}`} for a different request (other arguments or run settings); use a new key for a new request`,
  );
}

/** Another invocation with the same key is launching the job now (the optional lock): the caller retries. */
export function launchInProgress(jobName: string, key: string) {
  return notStartedError(
    'LaunchInProgress',
    jobName,
    `another invocation with idempotency key ${key} is launching it now; retry in a moment, and you will get its run`,
  );
}

/** A start that did not happen: refused, or never sent because something before it failed. */
function startJobRunFailed(jobName: string, why: string) {
  return notStartedError('StartJobRunFailed', jobName, why);
}

/** A start that was sent and not answered readably: the run may exist. */
function startUncertain(jobName: string, why: string) {
  return new LauncherError('StartJobRunFailed', mayHaveStarted(jobName, why), true);
}

function tokenUnavailable(jobName: string, why: string) {
  return notStartedError('TokenUnavailable', jobName, why);
}

// The launch's own sentences, from the facts its steps know.

/** GetJob or GetJobRuns failed (other than "no such job"): nothing is started for the job. */
export function jobLookupFailed(jobName: string, operation: string, detail: string) {
  return startJobRunFailed(
    jobName,
    `${operation} failed with ${detail}${operation === 'GetJobRuns' ? ', so an earlier start of this launch could not be ruled out' : ''}`,
  );
}

/** The look for earlier runs read its limit without reaching the horizon or the key: it fails closed. */
export function runsTooMany(jobName: string, pages: number, runs: number, horizon: Date) {
  return startJobRunFailed(
    jobName,
    `${pages} pages of its runs (${runs} runs) were read without reaching ${horizon.toISOString()} or this launch's key, so an earlier start could not be ruled out without reading further`,
  );
}

/** The optional lock could not be taken: an earlier start cannot be ruled out, so nothing is started. */
export function lockNotTaken(jobName: string, detail: string) {
  return startJobRunFailed(
    jobName,
    `the launch lock (IDEMPOTENCY_TABLE) could not be taken (${detail}), so an earlier start of this launch could not be ruled out`,
  );
}

/** What CodeArtifact did not give for the token, as facts. */
export type TokenProblem =
  | { readonly missing: 'endpoint'; readonly domain: string; readonly repository: string; readonly detail: string }
  | { readonly missing: 'token'; readonly domain: string; readonly detail: string }
  | { readonly missing: 'life'; readonly expiresAt: Date };

export function noToken(jobName: string, problem: TokenProblem) {
  return tokenUnavailable(
    jobName,
    problem.missing === 'endpoint'
      ? `CodeArtifact did not give the endpoint of ${problem.domain}/${problem.repository}: ${problem.detail}`
      : problem.missing === 'token'
        ? `CodeArtifact gave no token for domain ${problem.domain}: ${problem.detail}`
        : `CodeArtifact gave a token that expires at ${problem.expiresAt.toISOString()}, less than 14 minutes from now`,
  );
}

/** What is wrong with an endpoint CodeArtifact gave: shown, cut at 80 characters. */
export function endpointNotUrl(endpoint: string) {
  return `the endpoint ${JSON.stringify(endpoint.length > 80 ? `${endpoint.slice(0, 80)}...` : endpoint)} is not an http(s) URL`;
}

/** A job's own requirements file S3 would not give (a KMS denial says which key to grant). */
export function ownFileUnreadable(jobName: string, uri: string, detail: string) {
  return tokenUnavailable(
    jobName,
    `its own requirements file ${uri} is missing or not readable (${detail}); check that it exists and that the launcher may read its bucket (JobRequirementsBuckets)${/kms:/i.test(detail) ? ', and decrypt with its KMS key (JobRequirementsKmsKeyArns)' : ''}`,
  );
}

export function ownFileTooLarge(jobName: string, uri: string, maxBytes: number) {
  return installerOptionConflict(
    jobName,
    `its requirements file ${uri} is larger than ${maxBytes / 1024} KiB, which the launcher does not read; split it or shorten it`,
  );
}

/** The launcher's requirements file for a run could not be written: the run cannot get its index. */
export function fileNotWritten(jobName: string, uri: string, detail: string) {
  return tokenUnavailable(jobName, `the requirements file ${uri} could not be written (${detail})`);
}

/** Glue refused the start for good; "not found" then is what the request named, the job being there. */
export function startRefused(jobName: string, detail: string, notFound: boolean) {
  return startJobRunFailed(
    jobName,
    `StartJobRun failed with ${detail}${notFound ? '; the job exists, so check what the request names (its securityConfiguration)' : ''}`,
  );
}

/** An unkeyed start whose answer was lost: it may have started, and nothing can tell. */
export function unkeyedStartLost(jobName: string, detail: string) {
  return startUncertain(
    jobName,
    `StartJobRun failed with ${detail}, and without an idempotency key the launcher cannot tell, so it did not try again`,
  );
}

/** After a lost answer, what ended the keyed start: told by the first lost answer, the one after which a run may exist. */
export type AfterLost =
  | { readonly ending: 'gave-up' | 'time-ran-out' | 'no-time-to-look' }
  | { readonly ending: 'refused' | 'look-failed'; readonly detail: string };

export function keyedStartLost(jobName: string, firstDetail: string, after: AfterLost) {
  const why =
    after.ending === 'refused'
      ? `, then ${after.detail}`
      : after.ending === 'look-failed'
        ? `, and the look for its run failed too (${after.detail})`
        : after.ending === 'time-ran-out'
          ? ", and the function's time ran out"
          : after.ending === 'no-time-to-look'
            ? ", and the function's time ends before the launcher could tell"
            : '';
  return startUncertain(
    jobName,
    `StartJobRun failed with ${firstDetail}${why}; a redelivery with the same key finds the run if it started`,
  );
}

/** What became of one job when the function's time ran out. */
export type JobFate =
  | { readonly jobName: string; readonly fate: 'started'; readonly jobRunId: string }
  | { readonly jobName: string; readonly fate: 'in-flight'; readonly keyed: boolean }
  | { readonly jobName: string; readonly fate: 'not-sent' };

/** The function's time ran out: what became of each job. */
export function outOfTime(jobs: readonly JobFate[]) {
  return new LauncherError(
    'OutOfTime',
    `The function's time ran out before the launch ended: ${jobs
      .map((job) =>
        job.fate === 'started'
          ? `job ${job.jobName} started (${job.jobRunId})`
          : job.fate === 'not-sent'
            ? `job ${job.jobName} was not started (a redelivery will start it)`
            : job.keyed
              ? `job ${job.jobName} may have started (its StartJobRun was in flight; a redelivery with the same key finds the run instead of starting another)`
              : `job ${job.jobName} may have started (its StartJobRun was in flight, and without an idempotency key a redelivery cannot tell)`,
      )
      .join('; ')}.`,
    jobs.some((job) => job.fate === 'in-flight'),
  );
}

/** One job not started: the function's time ran out before its start was sent. */
export function timeRanOut(jobName: string) {
  return notStartedError('OutOfTime', jobName, "the function's time ran out");
}

/** A batch's job left for a redelivery: too little of the function's time was left to start it. */
export function tooLittleTime(jobName: string, leftMs: number) {
  return notStartedError(
    'OutOfTime',
    jobName,
    `only ${leftMs} ms of the function's time were left; a redelivery of the event will start it`,
  );
}

export interface FailedJob {
  readonly jobName: string;
  readonly error: LauncherError;
}

/**
 * A batch in which some job failed: each failed job with its cause, then each started one. One shared cause keeps
 * its name, so that a Step Functions Retry on it still matches.
 */
export function batchFailed(
  total: number,
  failed: readonly FailedJob[],
  started: ReadonlyArray<{ readonly jobName: string; readonly jobRunId: string }>,
) {
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
}

// The standing refresher's sentences (docs/standing-files.md): a job's standing file, refreshed or not, and why.

/** An on-demand refresh's event that names no job it may refresh, or names it wrongly: nothing is written. */
export function invalidRefresh(what: string) {
  return new LauncherError('InvalidRequest', `Invalid refresh request: ${what}; nothing was written.`);
}

/**
 * One standing job whose file was not refreshed, named as a launch of it would be (`UnsupportedJobType` for a job
 * that cannot read a standing file, `InstallerOptionConflict` for arguments that do not point at it, ...), with the
 * fix. A failure with no name of its own (GetJob failing, a bug) is `StandingRefreshFailed`.
 */
export function standingNotRefreshed(name: LauncherErrorName, jobName: string, why: string) {
  return new LauncherError(name, `The standing file of job ${jobName} was not refreshed: ${why}.`, false, why);
}

/** Anything else thrown in a refresh (a bug, not a service's answer), named. */
export function refreshFailedUnexpectedly(error: unknown) {
  return new LauncherError('StandingRefreshFailed', `The refresh failed unexpectedly: ${describeCause(error)}.`);
}

/** A standing job's failure as a launch names it, retold about its standing file. */
export function standingFailure(jobName: string, error: LauncherError) {
  return standingNotRefreshed(error.name, jobName, error.reason ?? error.message.replace(/\.$/, ''));
}

/**
 * A refresh in which some job failed: each failed job with its name and cause, then the refreshed ones. Scheduler
 * retries the invocation, and the refresher's alarm fires on the name.
 */
export function standingRefreshFailed(
  failed: ReadonlyArray<{ readonly jobName: string; readonly errorName: string; readonly message: string }>,
  refreshed: readonly string[],
) {
  const causes = failed.map(({ errorName, message }) => `${errorName}: ${message.replace(/\.$/, '')}`);
  return new LauncherError(
    'StandingRefreshFailed',
    `${failed.length} of ${failed.length + refreshed.length} standing files were not refreshed: ${causes.join('; ')}.${refreshed.length > 0 ? ` Refreshed: ${list(refreshed)}.` : ''}`,
  );
}

/**
 * The same error with its message reworded (scrubbed of secrets): a new error, so that its stack, which V8 writes
 * from the message, holds only the new words.
 */
export function reworded(error: LauncherError, reword: (message: string) => string): LauncherError {
  const reason = error.reason === undefined ? undefined : reword(error.reason);
  return new LauncherError(error.name, reword(error.message), error.mayHaveStarted, reason);
}

/**
 * The one converter of anything thrown into a named error: a `LauncherError` as it is, anything else (a bug, not a
 * service's answer) `StartJobRunFailed`, about the job when one is known. Scrubbing is the caller's: only it knows
 * the token.
 */
export function toLauncherError(error: unknown, jobName?: string): LauncherError {
  if (isLauncherError(error)) return error;
  const cause = describeCause(error);
  return jobName === undefined
    ? new LauncherError('StartJobRunFailed', `The launch failed unexpectedly: ${cause}.`)
    : startJobRunFailed(jobName, cause);
}
