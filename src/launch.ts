import { installerOptionBase, mergeArguments } from './arguments';
import type { Config } from './config';
import {
  describeCause,
  isLauncherError,
  JobNotAllowed,
  type LauncherError,
  type LauncherErrorName,
  namedError,
  OutOfTime,
  StartJobRunFailed,
  TokenUnavailable,
  UnsupportedJobType,
} from './errors';
import { type EarlierLaunch, findLaunch, launchArguments, type RecentRun, runsToSearch } from './idempotency';
import { indexHost, indexUrl, redact } from './index-url';
import { mapWithLimit, type Settled, settle } from './parallel';
import type { AuthorizationToken, GlueJob, JobService, LaunchLogger, PackageIndex } from './ports';
import type { LaunchPlan, LaunchRequest } from './request';
import { GLUE_DEFAULT_TIMEOUT_MINUTES, secondsNeeded, tokenDuration, upfrontDuration } from './token';

export type LaunchSettings = Pick<Config, 'allowlist' | 'pipIndexOption' | 'tokenDuration' | 'maxParallelStarts'>;

export interface LaunchDeps {
  readonly jobs: JobService;
  readonly index: PackageIndex;
  readonly settings: LaunchSettings;
  readonly logger: LaunchLogger;
  /**
   * Each job's `Timeout` (minutes) as this container last saw it, so that a warm launch can size its token
   * before GetJob answers: one round trip saved. GetJob still answers, and a job whose timeout grew gets a new
   * token before it starts.
   */
  readonly jobTimeouts?: Map<string, number>;
  readonly clock?: () => number;
}

/** What one invocation knows of its own limits: Lambda's `context.getRemainingTimeInMillis`. */
export interface Invocation {
  readonly remainingMs: () => number;
}

/**
 * A batch starts no job with less time than this left: one start can take a few request timeouts (its own
 * retries and the look for a lost answer), and a job cut off mid-start is worse than one left for a redelivery.
 */
export const START_MARGIN_MS = 15_000;

export interface StartedRun {
  readonly jobName: string;
  readonly jobRunId: string;
  /** The run was started by an earlier delivery of the same launch; nothing was started now. */
  readonly reused?: true;
}
export interface FailedRun {
  readonly jobName: string;
  readonly error: { readonly name: LauncherErrorName; readonly message: string };
}
export type RunOutcome = StartedRun | FailedRun;

export interface SingleResult extends StartedRun {
  /** Absent only for a reused run started by something that did not record it. */
  readonly tokenExpiresAt?: string;
}
export interface BatchResult {
  readonly runs: readonly RunOutcome[];
  /** The earliest expiry among the runs' tokens. */
  readonly tokenExpiresAt?: string;
}
export type LaunchResult = SingleResult | BatchResult;

/** Spark jobs read `--python-modules-installer-option`; Python shell and Ray jobs install modules otherwise. */
const SUPPORTED_COMMANDS = new Set(['glueetl', 'gluestreaming']);

export const checkAllowed = (requests: readonly LaunchRequest[], allowlist: Config['allowlist']): void => {
  if (allowlist.any) return;
  const refused = [...new Set(requests.map((r) => r.jobName).filter((name) => !allowlist.names.has(name)))];
  if (refused.length > 0) {
    throw new JobNotAllowed(
      `Job ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not in ALLOWED_JOB_NAMES, so nothing was started.`,
    );
  }
};

const checkJobType = (job: GlueJob): void => {
  if (job.command !== undefined && !SUPPORTED_COMMANDS.has(job.command)) {
    throw new UnsupportedJobType(
      `Job ${job.name} is a ${job.command} job, which does not read --python-modules-installer-option; only glueetl and gluestreaming jobs are supported.`,
    );
  }
};

/** The error a caller sees: always one of the named errors, never carrying a secret, even in its stack. */
const sanitize = (error: unknown, jobName: string, secrets: readonly string[]): LauncherError => {
  const named = isLauncherError(error)
    ? error
    : new StartJobRunFailed(`Job ${jobName} was not started: ${describeCause(error)}.`);
  named.message = redact(named.message, secrets);
  named.stack = named.stack === undefined ? undefined : redact(named.stack, secrets);
  return named;
};

/** A job of the plan as it goes: read (or refused, or found already started) before the token, then started. */
type Step = { readonly request: LaunchRequest } & (
  | { readonly job: GlueJob }
  | { readonly jobRunId: string; readonly reused?: true; readonly tokenExpiresAt?: string }
  | { readonly error: unknown }
);
type Ready = Extract<Step, { job: GlueJob }>;
type Done = Exclude<Step, Ready>;

/** What round trip 1 brings for one job name: the job, and its recent runs when a launch of it has a key. */
interface JobFacts {
  readonly job: Promise<Settled<GlueJob>>;
  readonly runs: Promise<Settled<readonly RecentRun[]>> | undefined;
}

/**
 * Everything that can settle a job before a token exists: it is not found, it was already started by an
 * earlier delivery of this launch, it is of the wrong type, or its installer option conflicts.
 */
const prepare = async (request: LaunchRequest, facts: JobFacts): Promise<Step> => {
  const got = await facts.job;
  if (!got.ok) return { request, error: got.error };
  if (request.idempotencyKey !== undefined && facts.runs) {
    const runs = await facts.runs;
    if (!runs.ok) return { request, error: runs.error };
    const earlier: EarlierLaunch | undefined = findLaunch(runs.value, request.idempotencyKey);
    if (earlier) return { request, jobRunId: earlier.jobRunId, reused: true, tokenExpiresAt: earlier.tokenExpiresAt };
  }
  try {
    checkJobType(got.value);
    installerOptionBase({ ...got.value, jobName: got.value.name }, request.arguments);
    return { request, job: got.value };
  } catch (error) {
    return { request, error };
  }
};

/** What a run needs to reach the private index, and what must never be repeated anywhere else. */
interface IndexAccess {
  readonly url: string;
  readonly host: string;
  readonly expiresAt: Date;
  /** What was asked of CodeArtifact: `expiresAt` is rounded to the second, so compare needs with this. */
  readonly durationSeconds: number;
  /** The token and the URL: scrubbed from every message that leaves the launcher. */
  readonly secrets: readonly string[];
}

type TokenWithDuration = AuthorizationToken & { readonly durationSeconds: number };

const indexAccess = async (
  endpoint: Promise<Settled<string>>,
  token: Promise<Settled<TokenWithDuration>>,
): Promise<Settled<IndexAccess>> => {
  const [gotEndpoint, gotToken] = await Promise.all([endpoint, token]);
  if (!gotEndpoint.ok) return gotEndpoint;
  if (!gotToken.ok) return gotToken;
  const { token: secret, expiresAt, durationSeconds } = gotToken.value;
  const url = indexUrl(gotEndpoint.value, secret);
  return {
    ok: true,
    value: { url, secrets: [secret, url], host: indexHost(gotEndpoint.value), expiresAt, durationSeconds },
  };
};

const batchFailure = (runs: readonly RunOutcome[]): LauncherError => {
  const failed = runs.filter((run): run is FailedRun => 'error' in run);
  const started = runs.filter((run): run is StartedRun => 'jobRunId' in run);
  const names = new Set(failed.map((run) => run.error.name));
  // One shared cause keeps its name, so that a Step Functions Retry on it still matches.
  const name = names.size === 1 ? (failed[0] as FailedRun).error.name : 'StartJobRunFailed';
  const startedText =
    started.length > 0 ? ` Started: ${started.map((run) => `${run.jobName} (${run.jobRunId})`).join(', ')}.` : '';
  return namedError(
    name,
    `${failed.length} of ${runs.length} jobs were not started: ${failed
      .map((run) => `${run.jobName} (${run.error.name}: ${run.error.message.replace(/\.$/, '')})`)
      .join('; ')}.${startedText}`,
  );
};

const earliest = (dates: ReadonlyArray<string | undefined>): string | undefined =>
  dates.filter((d): d is string => d !== undefined).sort()[0];

/**
 * The use case: one token for the whole plan, each job's arguments rewritten to the fresh index URL,
 * each job started once. Round trip 1 runs GetJob, GetJobRuns (for keyed launches), GetRepositoryEndpoint and,
 * when its lifetime is known, GetAuthorizationToken in parallel; round trip 2 is StartJobRun. The token never
 * leaves this function except inside StartJobRun's arguments.
 */
export const launch = async (
  plan: LaunchPlan,
  deps: LaunchDeps,
  invocation: Invocation = { remainingMs: () => Number.POSITIVE_INFINITY },
): Promise<LaunchResult> => {
  const { requests } = plan;
  const { settings, logger } = deps;
  const clock = deps.clock ?? Date.now;
  checkAllowed(requests, settings.allowlist);
  const startedAt = clock();

  // Round trip 1: everything that does not depend on anything else, at once.
  const endpoint = settle(deps.index.repositoryEndpoint());
  const keyedLaunches = new Map<string, number>();
  for (const { jobName, idempotencyKey } of requests) {
    keyedLaunches.set(jobName, (keyedLaunches.get(jobName) ?? 0) + (idempotencyKey === undefined ? 0 : 1));
  }
  const facts = new Map<string, JobFacts>();
  for (const [jobName, keyed] of keyedLaunches) {
    facts.set(jobName, {
      job: settle(deps.jobs.getJob(jobName)),
      runs: keyed > 0 ? settle(deps.jobs.recentRuns(jobName, runsToSearch(keyed))) : undefined,
    });
  }
  const fetchToken = (seconds: number) => {
    logger.debug('Requesting authorization token', { durationSeconds: seconds });
    return settle(deps.index.authorizationToken(seconds).then((token) => ({ ...token, durationSeconds: seconds })));
  };
  const remembered = deps.jobTimeouts ?? new Map<string, number>();
  const early = upfrontDuration(
    settings.tokenDuration,
    requests.map((r) => ({ requestTimeout: r.timeout, jobTimeout: remembered.get(r.jobName) })),
  );
  let token = early === undefined ? undefined : fetchToken(early);

  const prepared = await Promise.all(requests.map((r) => prepare(r, facts.get(r.jobName) as JobFacts)));
  const ready = prepared.filter((step): step is Ready => 'job' in step);
  const done = new Map<Step, Done>(prepared.filter((step): step is Done => !('job' in step)).map((s) => [s, s]));
  for (const step of done.values()) {
    if ('reused' in step) {
      logger.info('Job run already started by an earlier delivery', {
        jobName: step.request.jobName,
        jobRunId: step.jobRunId,
        idempotencyKey: step.request.idempotencyKey,
      });
    }
  }
  let access: IndexAccess | undefined;

  for (const { job } of ready) remembered.set(job.name, job.timeout ?? GLUE_DEFAULT_TIMEOUT_MINUTES);

  if (ready.length > 0) {
    const needed = tokenDuration(
      settings.tokenDuration,
      ready.map(({ request, job }) => ({ requestTimeout: request.timeout, jobTimeout: job.timeout })),
    );
    // No early token, or one sized for a timeout the job no longer has: every run must get a token that covers it.
    if (token === undefined || (early as number) < needed) token = fetchToken(needed);
    const got = await indexAccess(endpoint, token);
    if (!got.ok) {
      const reason = isLauncherError(got.error) ? got.error.message : describeCause(got.error);
      for (const step of ready) {
        done.set(step, {
          request: step.request,
          error: new TokenUnavailable(`Job ${step.request.jobName} was not started: ${reason}.`),
        });
      }
    } else {
      const index = got.value;
      access = index;
      logger.debug('Authorization token ready', {
        indexHost: index.host,
        tokenExpiresAt: index.expiresAt.toISOString(),
      });
      // Round trip 2: the starts, bounded so that a batch does not trip Glue's rate limit.
      await mapWithLimit(ready, settings.maxParallelStarts, async (step) => {
        const left = invocation.remainingMs();
        if (plan.batch && left < START_MARGIN_MS) {
          done.set(step, {
            request: step.request,
            error: new OutOfTime(
              `Job ${step.request.jobName} was not started: only ${left} ms of the function's time were left; a redelivery of the event will start it.`,
            ),
          });
          return;
        }
        done.set(step, await start(step, index, deps, () => clock() - startedAt));
      });
    }
  }

  // The token and the URL are known only here; every error is scrubbed of both before anyone sees it.
  const secrets = access?.secrets ?? [];
  const errors = new Map<Step, LauncherError>();
  const expiries: Array<string | undefined> = [];
  const runs = prepared.map((step): RunOutcome => {
    const outcome = done.get(step) as Done;
    const { jobName } = step.request;
    if ('jobRunId' in outcome) {
      expiries.push(outcome.reused ? outcome.tokenExpiresAt : access?.expiresAt.toISOString());
      return outcome.reused
        ? { jobName, jobRunId: outcome.jobRunId, reused: true }
        : { jobName, jobRunId: outcome.jobRunId };
    }
    const error = sanitize(outcome.error, jobName, secrets);
    errors.set(step, error);
    return { jobName, error: { name: error.name, message: error.message } };
  });
  const tokenExpiresAt = earliest(expiries);

  if (!plan.batch) {
    const error = errors.get(prepared[0] as Step);
    if (error) throw error;
    return { ...(runs[0] as StartedRun), ...(tokenExpiresAt === undefined ? {} : { tokenExpiresAt }) };
  }
  if (errors.size > 0) throw batchFailure(runs);
  return tokenExpiresAt === undefined ? { runs } : { runs, tokenExpiresAt };
};

const start = async (
  { request, job }: Ready,
  index: IndexAccess,
  { jobs, settings, logger }: LaunchDeps,
  elapsed: () => number,
): Promise<Done> => {
  const needed = secondsNeeded({ requestTimeout: request.timeout, jobTimeout: job.timeout });
  if (index.durationSeconds < needed) {
    logger.warn('Token may expire before the run ends', {
      jobName: job.name,
      tokenSeconds: index.durationSeconds,
      runNeedsSeconds: needed,
    });
  }
  try {
    const { arguments: requestArguments, idempotencyKey, jobName, ...runSettings } = request;
    const args = {
      ...mergeArguments({ ...job, jobName }, requestArguments, settings.pipIndexOption, index.url),
      ...launchArguments(idempotencyKey, index.expiresAt),
    };
    const jobRunId = await jobs.startJobRun({ ...runSettings, jobName, arguments: args, idempotencyKey });
    logger.info('Job run started', {
      jobName,
      jobRunId,
      indexHost: index.host,
      tokenExpiresAt: index.expiresAt.toISOString(),
      durationMs: elapsed(),
    });
    return { request, jobRunId };
  } catch (error) {
    return { request, error };
  }
};
