import {
  GetJobCommand,
  GetJobRunsCommand,
  type GlueClient,
  StartJobRunCommand,
  type WorkerType,
} from '@aws-sdk/client-glue';
import { ConcurrentRunsExceeded, describeCause, JobNotFound, StartJobRunFailed } from '../errors';
import { findLaunch, MAX_RUNS_PAGE, type RecentRun } from '../idempotency';
import type { GlueJob, JobRunStart, JobService } from '../ports';

export const MAX_START_ATTEMPTS = 4;

// Matched by name, not instanceof: a bundle may hold more than one copy of the SDK's exception classes.
const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

type Failure = 'throttled' | 'ambiguous' | 'definite';

/**
 * Throttled: refused, safe to retry. Ambiguous: no answer, or a server error, so the run may have started.
 * Definite: Glue said no (not found, concurrent runs, invalid input, access denied).
 */
const DEFINITE = new Set([
  'ConcurrentRunsExceededException',
  'EntityNotFoundException',
  'InvalidInputException',
  'AccessDeniedException',
  'ResourceNumberLimitExceededException',
]);

export const classify = (error: unknown): Failure => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'ThrottlingException' || e.$retryable?.throttling || status === 429) return 'throttled';
  if (e.name !== undefined && DEFINITE.has(e.name)) return 'definite';
  if (status === undefined || status >= 500 || e.name === 'OperationTimeoutException' || e.name === 'TimeoutError') {
    return 'ambiguous';
  }
  return 'definite';
};

/** Exponential backoff with full jitter, as the SDK's standard mode does: 250 ms, 500 ms, 1 s, ... at most 4 s. */
const jitteredBackoff = (attempt: number) => Math.random() * Math.min(4_000, 250 * 2 ** (attempt - 1));

const notFound = (jobName: string, error: unknown) =>
  new JobNotFound(`Job ${jobName} was not started: Glue has no such job (${describeCause(error)}).`);

export interface GlueJobServiceOptions {
  /** StartJobRun without SDK retries (see clients.ts). */
  readonly starts: GlueClient;
  readonly backoffMs?: (attempt: number) => number;
}

/** Glue's GetJob, GetJobRuns and StartJobRun, translated to the launcher's terms and named errors. */
export class GlueJobService implements JobService {
  private readonly starts: GlueClient;
  private readonly backoffMs: (attempt: number) => number;

  constructor(
    private readonly client: GlueClient,
    options: GlueJobServiceOptions,
  ) {
    this.starts = options.starts;
    this.backoffMs = options.backoffMs ?? jitteredBackoff;
  }

  async getJob(jobName: string): Promise<GlueJob> {
    try {
      const { Job: job } = await this.client.send(new GetJobCommand({ JobName: jobName }));
      if (job === undefined)
        throw Object.assign(new Error('GetJob returned no job'), { name: 'EntityNotFoundException' });
      return {
        name: job.Name ?? jobName,
        command: job.Command?.Name,
        defaultArguments: job.DefaultArguments ?? {},
        nonOverridableArguments: job.NonOverridableArguments ?? {},
        timeout: job.Timeout,
      };
    } catch (error) {
      if (isNamed(error, 'EntityNotFoundException')) throw notFound(jobName, error);
      throw new StartJobRunFailed(`Job ${jobName} was not started: GetJob failed with ${describeCause(error)}.`);
    }
  }

  async recentRuns(jobName: string, count: number): Promise<readonly RecentRun[]> {
    try {
      const { JobRuns: runs } = await this.client.send(new GetJobRunsCommand({ JobName: jobName, MaxResults: count }));
      return (runs ?? []).flatMap((run) => (run.Id ? [{ id: run.Id, arguments: run.Arguments ?? {} }] : []));
    } catch (error) {
      if (isNamed(error, 'EntityNotFoundException')) throw notFound(jobName, error);
      throw new StartJobRunFailed(
        `Job ${jobName} was not started: GetJobRuns failed with ${describeCause(error)}, so an earlier start of this launch could not be ruled out.`,
      );
    }
  }

  async startJobRun(run: JobRunStart): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.startOnce(run);
      } catch (error) {
        const failure = classify(error);
        if (failure === 'definite') throw this.named(run, error);
        if (failure === 'ambiguous') {
          if (run.idempotencyKey === undefined) {
            throw new StartJobRunFailed(
              `Job ${run.jobName} may or may not have started: StartJobRun failed with ${describeCause(error)}, and without an idempotency key the launcher cannot tell, so it did not try again.`,
            );
          }
          // Seconds after the start: the run, if it landed, is among the newest.
          const earlier = findLaunch(await this.recentRuns(run.jobName, MAX_RUNS_PAGE), run.idempotencyKey);
          if (earlier) return earlier.jobRunId;
        }
        if (attempt >= MAX_START_ATTEMPTS) throw this.named(run, error);
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs(attempt)));
      }
    }
  }

  private async startOnce(run: JobRunStart): Promise<string> {
    const { JobRunId: jobRunId } = await this.starts.send(
      new StartJobRunCommand({
        JobName: run.jobName,
        Arguments: { ...run.arguments },
        Timeout: run.timeout,
        // Glue validates the worker type itself; new types need no release of the launcher.
        WorkerType: run.workerType as WorkerType | undefined,
        NumberOfWorkers: run.numberOfWorkers,
        ExecutionClass: run.executionClass,
        SecurityConfiguration: run.securityConfiguration,
        JobRunQueuingEnabled: run.jobRunQueuingEnabled,
      }),
    );
    if (jobRunId === undefined)
      throw Object.assign(new Error('StartJobRun returned no JobRunId'), {
        name: 'InvalidResponse',
        $metadata: { httpStatusCode: 200 },
      });
    return jobRunId;
  }

  private named(run: JobRunStart, error: unknown) {
    if (isNamed(error, 'EntityNotFoundException')) return notFound(run.jobName, error);
    if (isNamed(error, 'ConcurrentRunsExceededException')) {
      return new ConcurrentRunsExceeded(
        `Job ${run.jobName} was not started: it already has as many runs as its MaxConcurrentRuns allows (${describeCause(error)}).`,
      );
    }
    return new StartJobRunFailed(
      `Job ${run.jobName} was not started: StartJobRun failed with ${describeCause(error)}.`,
    );
  }
}
