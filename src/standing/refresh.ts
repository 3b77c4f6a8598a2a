import { mapWithLimit, settle } from '../concurrency';
import {
  describeCause,
  fileNotWritten,
  isLauncherError,
  type LauncherError,
  noToken,
  standingFailure,
  standingNotRefreshed,
  standingRefreshFailed,
} from '../errors';
import type { PipIndexOption } from '../pip/options';
import { MAX_REQUIREMENTS_FILE_BYTES } from '../pip/requirements';
import { checkStandingJob, readSource, type StandingFiles, standingText } from '../pip/standing-file';
import {
  failureDetail,
  isServiceFailure,
  type JobService,
  type LaunchLogger,
  type PrivateRepository,
  type RequirementsStore,
} from '../ports';
import { type AccessOutcome, decideToken, earlyToken, type IndexAccess } from '../token/access';
import { MAX_TOKEN_SECONDS } from '../token/lifetime';
import { redact } from '../token/redact';

/**
 * The second use case, top-down (docs/standing-files.md): every standing job's file rewritten with one fresh token,
 * so that runs started anywhere (a trigger, the console, Step Functions' `.sync`) find the private index. One token
 * of the longest lifetime; then each job, a few at a time: its definition checked (drift is reported, never
 * repaired), its source read into the model, its standing file written from the model. One job's failure stops no
 * other; the invocation then fails with `StandingRefreshFailed`, so that Scheduler retries it and the alarm fires.
 * The refresher starts no run and changes no job.
 */

/** What the refresher counts; src/observability.ts publishes it once per invocation. */
export interface RefreshMetrics {
  tokenRequested(seconds: number): void;
  standingRefreshed(count: number): void;
  standingFailed(errorName: string): void;
  /** Seconds from now until the token the files were written with expires. */
  standingTokenLeft(seconds: number): void;
}

/** What a refresh needs: Glue's GetJob, CodeArtifact, S3, and where to say what happened. */
export interface RefreshDeps {
  readonly jobs: Pick<JobService, 'getJob'>;
  readonly repository: PrivateRepository;
  /** The repository endpoint, fetched once per container (token/access.ts `cachedEndpoint`). */
  readonly endpoint: () => Promise<string>;
  readonly files: Pick<RequirementsStore, 'read' | 'write'>;
  readonly config: {
    readonly domain: string;
    readonly repository: string;
    readonly pipIndexOption: PipIndexOption;
    readonly standing: StandingFiles;
  };
  /** Jobs refreshed at once: each is a GetJob, a GetObject and a PutObject. */
  readonly parallel: number;
  readonly logger: LaunchLogger;
  readonly metrics: RefreshMetrics;
  readonly clock: () => number;
}

export interface RefreshedFile {
  readonly jobName: string;
  readonly requirementsFile: string;
  readonly tokenExpiresAt: string;
}

export interface FailedRefresh {
  readonly jobName: string;
  readonly errorName: string;
  readonly message: string;
}

/** An invocation that returns refreshed every job it was asked to; one that did not fails instead. */
export interface RefreshResult {
  readonly refreshed: readonly RefreshedFile[];
  readonly failed: readonly FailedRefresh[];
}

type JobOutcome =
  | { readonly ok: true; readonly file: RefreshedFile }
  | { readonly ok: false; readonly failed: FailedRefresh };

/** Refreshes the named standing jobs' files (all of them, for a scheduled refresh). */
export async function refresh(jobNames: readonly string[], deps: RefreshDeps): Promise<RefreshResult> {
  const token = await oneToken(deps);
  const outcomes = await mapWithLimit(jobNames, deps.parallel, (jobName) => refreshJob(jobName, token, deps));
  return concludeRefresh(outcomes, token, deps);
}

/**
 * One token for every file, of the longest lifetime CodeArtifact gives (12 hours, whatever the role's session: its
 * GetAuthorizationToken reference), checked as a launch's is (an endpoint that is a URL, at least 14 minutes of life).
 */
async function oneToken(deps: RefreshDeps): Promise<AccessOutcome> {
  const tokenDeps = {
    ...deps,
    config: { ...deps.config, tokenDuration: MAX_TOKEN_SECONDS },
    jobTimeouts: new Map<string, number>(),
  };
  const [endpoint, early] = await Promise.all([settle(deps.endpoint()), earlyToken([], tokenDeps)]);
  return decideToken([], early, endpoint, tokenDeps);
}

/** One job: its definition checked, its source read and written as its standing file; or why not. */
async function refreshJob(jobName: string, token: AccessOutcome, deps: RefreshDeps): Promise<JobOutcome> {
  try {
    if (!token.ok) throw noToken(jobName, token.problem);
    const job = await jobOf(jobName, deps);
    const { file, source } = checkStandingJob(job, deps.config.standing.location);
    const read = await settle(deps.files.read(source, MAX_REQUIREMENTS_FILE_BYTES));
    const { url, expiresAt } = token.access;
    const text = standingText(readSource({ jobName, source }, read), {
      option: deps.config.pipIndexOption,
      url,
      expiresAt,
    });
    try {
      await deps.files.write(file.bucket, file.key, text.body, text.metadata);
    } catch (error) {
      throw fileNotWritten(jobName, file.uri, failureDetail(error));
    }
    const refreshed = { jobName, requirementsFile: file.uri, tokenExpiresAt: expiresAt.toISOString() };
    deps.logger.info('Standing file refreshed', { ...refreshed });
    return { ok: true, file: refreshed };
  } catch (error) {
    const named = standingFailure(jobName, asLauncherError(jobName, error));
    const failed = { jobName, errorName: named.name, message: scrub(named.message, token) };
    deps.logger.error('Standing file not refreshed', { ...failed });
    deps.metrics.standingFailed(named.name);
    return { ok: false, failed };
  }
}

/** The job, or `JobNotFound`; GetJob failing otherwise is the refresh's own failure. */
async function jobOf(jobName: string, deps: RefreshDeps) {
  try {
    return await deps.jobs.getJob(jobName);
  } catch (error) {
    if (isServiceFailure(error) && error.kind === 'not-found') {
      throw standingNotRefreshed(
        'JobNotFound',
        jobName,
        `Glue has no such job (${error.detail}); create it, or remove it from STANDING_JOB_NAMES (template parameter StandingJobNames)`,
      );
    }
    throw standingNotRefreshed('StandingRefreshFailed', jobName, `GetJob failed with ${failureDetail(error)}`);
  }
}

/** What was thrown, named: the catalogue's, else (a bug) the refresh's own failure. */
function asLauncherError(jobName: string, error: unknown): LauncherError {
  return isLauncherError(error)
    ? error
    : standingNotRefreshed('StandingRefreshFailed', jobName, `it failed unexpectedly: ${describeCause(error)}`);
}

function scrub(message: string, token: AccessOutcome): string {
  return redact(message, token.ok ? token.access.token : undefined);
}

/** The result, counted; or `StandingRefreshFailed` listing each job that failed and each that was refreshed. */
function concludeRefresh(outcomes: readonly JobOutcome[], token: AccessOutcome, deps: RefreshDeps): RefreshResult {
  const refreshed = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.file] : []));
  const failed = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.failed]));
  deps.metrics.standingRefreshed(refreshed.length);
  if (refreshed.length > 0 && token.ok) deps.metrics.standingTokenLeft(secondsLeft(token.access, deps.clock()));
  if (failed.length > 0) {
    throw standingRefreshFailed(
      failed,
      refreshed.map((file) => file.jobName),
    );
  }
  return { refreshed, failed };
}

function secondsLeft(access: IndexAccess, now: number): number {
  return Math.max(0, Math.floor((access.expiresAt.getTime() - now) / 1000));
}
