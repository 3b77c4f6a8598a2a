import {
  type AfterLost,
  concurrentRunsExceeded,
  fileNotWritten,
  keyedStartLost,
  type LauncherError,
  startRefused,
  type TokenProblem,
  timeRanOut,
  toLauncherError,
  unkeyedStartLost,
} from '../errors';
import { earlierRuns } from '../idempotency/lookup';
import { CLOCK_SKEW_MS, launchArguments } from '../idempotency/record';
import { type Carried, type IndexPlacement, runArguments, tokenDeliveryOf } from '../pip/placement';
import { writeRequirementsFile } from '../pip/requirements';
import { requirementsFileKey } from '../pip/requirements-file';
import { type StandingPlacement, standingText } from '../pip/standing-file';
import { type FailureKind, failureDetail, isServiceFailure, type JobRunStart, type ServiceFailure } from '../ports';
import type { AccessOutcome, IndexAccess } from '../token/access';
import { FINISH_MARGIN_MS } from './deadline';
import { type Concluded, failed, type Invocation, type LaunchDeps, type Ready } from './model';

/** A standing file whose token outlives the run: it needs no token of this invocation. */
type FreshStanding = Extract<StandingPlacement, { readonly tokenExpiresAt: Date }>;

/**
 * How a ready run gets its index: from a standing file as it is, or from this invocation's token, placed as the job
 * was placed. A placement that needs the token cannot be started without it.
 */
export type Carrier =
  | { readonly fresh: FreshStanding }
  | { readonly placement: Exclude<IndexPlacement | StandingPlacement, FreshStanding>; readonly access: IndexAccess };

/** The carrier of a ready run: its fresh standing file, or the token; or what CodeArtifact did not give. */
export function carrierOf(
  placement: Ready['placement'],
  token: AccessOutcome,
): Carrier | { readonly problem: TokenProblem } {
  if ('tokenExpiresAt' in placement) return { fresh: placement };
  return token.ok ? { placement, access: token.access } : { problem: token.problem };
}

/**
 * Round trip 2 for one ready job: its arguments merged and pointed at the index, the launcher's own arguments
 * added, the run started once. The token leaves the launcher only here, inside StartJobRun's arguments, the
 * requirements file written for the run, or the standing file rewritten for it.
 */
export async function startRun(
  { request, job, digest }: Ready,
  carrier: Carrier,
  invocation: Invocation,
  deps: LaunchDeps,
): Promise<Concluded> {
  const { arguments: requestArguments, idempotencyKey, jobName, ...runSettings } = request;
  const placement = 'fresh' in carrier ? carrier.fresh : carrier.placement;
  const tokenDelivery = placement.via === 'standing-file' ? 'standing-file' : tokenDeliveryOf(placement);
  if ((placement.via === 'installer-option' || placement.via === 'modules-value') && placement.fileUnfit) {
    // TOKEN_DELIVERY=auto never moves a job's token into its arguments silently.
    deps.logger.warn('Job gets arguments delivery: the token goes into its run arguments', {
      jobName,
      why: placement.fileUnfit,
    });
  }
  try {
    const { carried, expiresAt } = await carry(jobName, carrier, deps);
    const args = {
      ...runArguments(job, requestArguments, carried),
      ...launchArguments(idempotencyKey, digest, expiresAt, tokenDelivery),
    };
    const jobRunId = await startOnce({ ...runSettings, jobName, arguments: args }, idempotencyKey, invocation, deps);
    invocation.progress.startedRun(jobName, jobRunId);
    const tokenExpiresAt = expiresAt.toISOString();
    deps.logger.info('Job run started', {
      jobName,
      jobRunId,
      indexHost: 'access' in carrier ? carrier.access.host : undefined, // the logger leaves out what is undefined
      tokenExpiresAt,
      tokenDelivery,
      requirementsFile: 'file' in carried ? carried.file : 'standing' in carried ? carried.standing : undefined,
      durationMs: invocation.elapsedMs(),
    });
    return { kind: 'started', request, jobRunId, tokenDelivery, tokenExpiresAt };
  } catch (error) {
    return failed(request, toLauncherError(error, jobName));
  }
}

/**
 * What brings the run its index, and when the token it reads expires: the URL itself, the requirements file written
 * for it (round trip 3 in requirements-file delivery: the file is written before the run that reads it starts), or
 * its standing file, as it is or rewritten first.
 */
async function carry(
  jobName: string,
  carrier: Carrier,
  deps: LaunchDeps,
): Promise<{ readonly carried: Carried; readonly expiresAt: Date }> {
  if ('fresh' in carrier)
    return { carried: { standing: carrier.fresh.file.uri }, expiresAt: carrier.fresh.tokenExpiresAt };
  const { placement, access } = carrier;
  if (placement.via === 'standing-file') {
    const { file, rewrite } = placement;
    const option = deps.config.pipIndexOption;
    const { body, metadata } = standingText(rewrite.source, { option, url: access.url, expiresAt: access.expiresAt });
    await written(jobName, file.uri, () => deps.files.write(file.bucket, file.key, body, metadata));
    deps.logger.info('Standing file rewritten before the run', {
      jobName,
      requirementsFile: file.uri,
      why: rewrite.why,
    });
    return { carried: { standing: file.uri }, expiresAt: access.expiresAt };
  }
  if (placement.via !== 'requirements-file') {
    return { carried: { placement, option: deps.config.pipIndexOption, url: access.url }, expiresAt: access.expiresAt };
  }
  const { plan } = placement;
  const key = requirementsFileKey(plan.location, jobName, new Date(deps.clock()), crypto.randomUUID());
  const uri = `s3://${plan.location.bucket}/${key}`;
  const body = writeRequirementsFile(plan.content, deps.config.pipIndexOption, access.url);
  if (plan.dropped.length > 0) {
    deps.logger.debug('Output-only pip options left out of the requirements file', { jobName, options: plan.dropped });
  }
  await written(jobName, uri, () => deps.files.write(plan.location.bucket, key, body));
  return { carried: { file: uri }, expiresAt: access.expiresAt };
}

/** A file the run reads, written; or the run cannot get its index, and is not started. */
async function written(jobName: string, uri: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw fileNotWritten(jobName, uri, failureDetail(error));
  }
}

const MAX_START_ATTEMPTS = 4;

/**
 * What a failed StartJobRun means for the run (docs/adr/0003-no-sdk-retries-on-start-job-run.md). Throttled: Glue
 * refused it, safe to try again. Ambiguous: no answer, a server error, or a success answer that could not be read
 * (cut off, or without a run id), so the run may have started. Definite: Glue said no, or nothing was sent.
 */
export type StartVerdict = 'throttled' | 'ambiguous' | 'definite';

const AMBIGUOUS: ReadonlySet<FailureKind> = new Set(['no-answer', 'server-error', 'unreadable']);
/** Enough to hold a run started seconds ago, among a job's newest. */
const LOST_ANSWER_PAGE = 25;

export function verdictOf(kind: FailureKind): StartVerdict {
  return kind === 'throttled' ? 'throttled' : AMBIGUOUS.has(kind) ? 'ambiguous' : 'definite';
}

/** Exponential backoff with full jitter, as the SDK's standard mode does: 250 ms, 500 ms, 1 s, ... at most 4 s. */
export function jitteredBackoff(attempt: number): number {
  return Math.random() * Math.min(4_000, 250 * 2 ** (attempt - 1));
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A StartJobRun that Glue refused for good. Not found, here, is not the job (GetJob found it a moment ago) but
 * something the request names: a security configuration that does not exist.
 */
function refusedStart(jobName: string, failure: ServiceFailure): LauncherError {
  return failure.kind === 'busy'
    ? concurrentRunsExceeded(jobName, failure.detail)
    : startRefused(jobName, failure.detail, failure.kind === 'not-found');
}

/**
 * How long after a StartJobRun was sent it may still take effect, beyond the client's own request timeout: the
 * request may have reached Glue and be processed after the client gave up (measured: 3.4 s after sending, past a
 * 3 s timeout). Glue documents no bound; this margin is the launcher's (docs/adr/0014-never-twice.md).
 */
export const START_EFFECT_MARGIN_MS = 10_000;
/** What a look for a lost run needs, at most, once it may be made: a page or two of GetJobRuns. */
const LOOKUP_BUDGET_MS = 5_000;

/**
 * Starts one run, at most once. A throttled start is tried again after a backoff. After an ambiguous answer (no
 * answer, a 5xx, an unreadable 200) the run may exist or may still come to exist: an unkeyed start gives up saying
 * it may have started; a keyed one waits until the first request can no longer take effect, then looks for its
 * own run (a run carries its key), and tries again only if it is not there, or gives up saying the run may have
 * started when the function's time would end first. Once a start may have reached Glue, every failure says so.
 */
async function startOnce(
  run: JobRunStart,
  key: string | undefined,
  { progress, time }: Invocation,
  deps: LaunchDeps,
): Promise<string> {
  let lost: ServiceFailure | undefined; // the first answer that was lost: a run may exist from then on
  const uncertain = (first: ServiceFailure, after: AfterLost) => keyedStartLost(run.jobName, first.detail, after);
  for (let attempt = 1; ; attempt += 1) {
    if (progress.timeIsUp) {
      // Only seen by a launch that outlived its answer: the caller was already told OutOfTime.
      throw lost ? uncertain(lost, { ending: 'time-ran-out' }) : timeRanOut(run.jobName);
    }
    let failure: ServiceFailure;
    const sentAt = deps.clock();
    progress.sending(run.jobName);
    try {
      return await deps.jobs.startJobRun(run);
    } catch (error) {
      if (!isServiceFailure(error))
        throw lost ? uncertain(lost, { ending: 'gave-up' }) : toLauncherError(error, run.jobName);
      failure = error;
    }
    const verdict = verdictOf(failure.kind);
    if (verdict === 'definite')
      throw lost ? uncertain(lost, { ending: 'refused', detail: failure.detail }) : refusedStart(run.jobName, failure);
    if (verdict === 'ambiguous') {
      lost ??= failure;
      const first = lost;
      if (key === undefined) throw unkeyedStartLost(run.jobName, failure.detail);
      // No look before the request can no longer take effect: a run that lands later would be missed. A request that
      // was answered (a 5xx, a 200 cut short) is done at Glue; one that got no answer may still be in flight there.
      const wait = failure.kind === 'no-answer' ? Math.max(0, sentAt + deps.startEffectWindowMs - deps.clock()) : 0;
      if (time.remainingMs() - FINISH_MARGIN_MS - wait < LOOKUP_BUDGET_MS) {
        throw uncertain(first, { ending: 'no-time-to-look' });
      }
      await sleep(wait);
      const since = new Date(sentAt - CLOCK_SKEW_MS);
      const landed = await earlierRuns(deps.jobs, run.jobName, new Set([key]), since, LOST_ANSWER_PAGE).catch(
        (error: unknown) => {
          throw uncertain(first, { ending: 'look-failed', detail: failureDetail(error) });
        },
      );
      const own = landed.get(key);
      if (own) return own.id;
    }
    if (attempt >= MAX_START_ATTEMPTS)
      throw lost ? uncertain(lost, { ending: 'gave-up' }) : refusedStart(run.jobName, failure);
    await sleep(deps.backoffMs(attempt));
  }
}
