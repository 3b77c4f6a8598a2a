import { installerOptionBase, mergeArguments } from './arguments';
import type { Config } from './config';
import {
  describeCause,
  isLauncherError,
  JobNotAllowed,
  type LauncherError,
  type LauncherErrorName,
  namedError,
  StartJobRunFailed,
  TokenUnavailable,
  UnsupportedJobType,
} from './errors';
import { indexHost, indexUrl, redact } from './index-url';
import { mapWithLimit, type Settled, settle } from './parallel';
import type { AuthorizationToken, GlueJob, JobService, LaunchLogger, PackageIndex } from './ports';
import type { LaunchPlan, LaunchRequest } from './request';
import { durationKnownUpfront, secondsNeeded, tokenDuration } from './token';

export type LaunchSettings = Pick<Config, 'allowlist' | 'pipIndexOption' | 'tokenDuration' | 'maxParallelStarts'>;

export interface LaunchDeps {
  readonly jobs: JobService;
  readonly index: PackageIndex;
  readonly settings: LaunchSettings;
  readonly logger: LaunchLogger;
  readonly clock?: () => number;
}

export interface StartedRun {
  readonly jobName: string;
  readonly jobRunId: string;
}
export interface FailedRun {
  readonly jobName: string;
  readonly error: { readonly name: LauncherErrorName; readonly message: string };
}
export type RunOutcome = StartedRun | FailedRun;

export interface SingleResult extends StartedRun {
  readonly tokenExpiresAt: string;
}
export interface BatchResult {
  readonly runs: readonly RunOutcome[];
  readonly tokenExpiresAt: string;
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

type Prepared =
  | { readonly request: LaunchRequest; readonly job: GlueJob }
  | { readonly request: LaunchRequest; readonly error: unknown };

/** Everything that can refuse a job before a token exists: it is not found, of the wrong type, or in conflict. */
const prepare = async (request: LaunchRequest, job: Promise<Settled<GlueJob>>): Promise<Prepared> => {
  const got = await job;
  if (!got.ok) return { request, error: got.error };
  try {
    checkJobType(got.value);
    installerOptionBase({ ...got.value, jobName: got.value.name }, request.arguments);
    return { request, job: got.value };
  } catch (error) {
    return { request, error };
  }
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

/**
 * The use case: one token for the whole plan, each job's arguments rewritten to the fresh index URL,
 * each job started. GetJob, GetRepositoryEndpoint and (when its lifetime is known) GetAuthorizationToken
 * run in parallel; the token never leaves this function except inside StartJobRun's arguments.
 */
export const launch = async (plan: LaunchPlan, deps: LaunchDeps): Promise<LaunchResult> => {
  const { requests } = plan;
  const { settings, logger } = deps;
  const clock = deps.clock ?? Date.now;
  checkAllowed(requests, settings.allowlist);
  const startedAt = clock();

  const endpoint = settle(deps.index.repositoryEndpoint());
  const jobs = new Map<string, Promise<Settled<GlueJob>>>();
  for (const { jobName } of requests) {
    if (!jobs.has(jobName)) jobs.set(jobName, settle(deps.jobs.getJob(jobName)));
  }
  const fetchToken = (seconds: number) => {
    logger.debug('Requesting authorization token', { durationSeconds: seconds });
    return settle(deps.index.authorizationToken(seconds));
  };
  let token: Promise<Settled<AuthorizationToken>> | undefined;
  if (
    durationKnownUpfront(
      settings.tokenDuration,
      requests.map((r) => r.timeout),
    )
  ) {
    token = fetchToken(
      tokenDuration(
        settings.tokenDuration,
        requests.map((r) => ({ requestTimeout: r.timeout })),
      ),
    );
  }

  const prepared = await Promise.all(requests.map((r) => prepare(r, jobs.get(r.jobName) as Promise<Settled<GlueJob>>)));
  const ready = prepared.filter((p): p is Extract<Prepared, { job: GlueJob }> => 'job' in p);
  const needs = ready.map(({ request, job }) => ({ requestTimeout: request.timeout, jobTimeout: job.timeout }));
  let secrets: string[] = [];
  let expiresAt: Date | undefined;
  let host: string | undefined;

  const outcomes = new Map<Prepared, RunOutcome>();
  const fail = (p: Prepared, error: unknown) => {
    const safe = sanitize(error, p.request.jobName, secrets);
    outcomes.set(p, { jobName: p.request.jobName, error: { name: safe.name, message: safe.message } });
    return safe;
  };
  const errors = new Map<Prepared, LauncherError>();
  for (const p of prepared) if ('error' in p) errors.set(p, fail(p, p.error));

  if (ready.length > 0) {
    token ??= fetchToken(tokenDuration('auto', needs));
    const [gotEndpoint, gotToken] = await Promise.all([endpoint, token]);
    if (!gotEndpoint.ok || !gotToken.ok) {
      const cause = gotEndpoint.ok ? (gotToken as { error: unknown }).error : gotEndpoint.error;
      const reason = isLauncherError(cause) ? cause.message : describeCause(cause);
      for (const p of ready) {
        errors.set(p, fail(p, new TokenUnavailable(`Job ${p.request.jobName} was not started: ${reason}.`)));
      }
    } else {
      const { token: secret } = gotToken.value;
      secrets = [secret];
      expiresAt = gotToken.value.expiresAt;
      host = indexHost(gotEndpoint.value);
      const url = indexUrl(gotEndpoint.value, secret);
      secrets.push(url);
      const lifetime = Math.round((expiresAt.getTime() - clock()) / 1000);
      logger.debug('Authorization token ready', { indexHost: host, tokenExpiresAt: expiresAt.toISOString() });
      await mapWithLimit(ready, settings.maxParallelStarts, async (p) => {
        const { request, job } = p;
        const needed = secondsNeeded({ requestTimeout: request.timeout, jobTimeout: job.timeout });
        if (lifetime < needed) {
          logger.warn('Token may expire before the run ends', {
            jobName: job.name,
            tokenSeconds: lifetime,
            runNeedsSeconds: needed,
          });
        }
        try {
          const { arguments: requestArguments, idempotencyKey: _key, jobName, ...runSettings } = request;
          const args = mergeArguments({ ...job, jobName }, requestArguments, settings.pipIndexOption, url);
          const jobRunId = await deps.jobs.startJobRun({ ...runSettings, jobName, arguments: args });
          outcomes.set(p, { jobName, jobRunId });
          logger.info('Job run started', {
            jobName,
            jobRunId,
            indexHost: host,
            tokenExpiresAt: expiresAt?.toISOString(),
            durationMs: clock() - startedAt,
          });
        } catch (error) {
          errors.set(p, fail(p, error));
        }
      });
    }
  }

  const runs = prepared.map((p) => outcomes.get(p) as RunOutcome);
  if (!plan.batch) {
    const only = prepared[0] as Prepared;
    const error = errors.get(only);
    if (error) throw error;
    return { ...(runs[0] as StartedRun), tokenExpiresAt: (expiresAt as Date).toISOString() };
  }
  if (errors.size > 0) throw batchFailure(runs);
  return { runs, tokenExpiresAt: (expiresAt as Date).toISOString() };
};
