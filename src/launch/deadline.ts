import { type JobFate, type LauncherError, outOfTime } from '../errors';
import type { LaunchPlan } from '../plan';
import type { Invocation } from './model';

/** Answer this long before Lambda's own timeout, so that the answer, and its log line, get out. */
export const FINISH_MARGIN_MS = 1_000;

/**
 * What an invocation has sent so far, for the answer it owes when its time runs out: a job whose StartJobRun was
 * sent may have started. Once stopped, no further start is sent: a container frozen mid-launch and thawed for the
 * next event must not start a run the caller was told about as unstarted.
 */
export class Progress {
  private readonly sent = new Set<string>();
  private readonly started = new Map<string, string>();
  private stopped = false;

  get timeIsUp(): boolean {
    return this.stopped;
  }

  sending(jobName: string): void {
    this.sent.add(jobName);
  }

  startedRun(jobName: string, jobRunId: string): void {
    this.started.set(jobName, jobRunId);
  }

  /** Stops the invocation (no start is sent after this) and returns the answer it owes: each job, and its fate. */
  stop(plan: LaunchPlan): LauncherError {
    this.stopped = true;
    return outOfTime(
      plan.requests.map(({ jobName, idempotencyKey }): JobFate => {
        const jobRunId = this.started.get(jobName);
        if (jobRunId !== undefined) return { jobName, fate: 'started', jobRunId };
        if (!this.sent.has(jobName)) return { jobName, fate: 'not-sent' };
        return { jobName, fate: 'in-flight', keyed: idempotencyKey !== undefined };
      }),
    );
  }
}

/** The launch's answer, or OutOfTime just before Lambda's own timeout would cut it off unanswered. */
export async function withinTime<T>(work: Promise<T>, { time, plan, progress }: Invocation): Promise<T> {
  const budget = time.remainingMs() - FINISH_MARGIN_MS;
  if (!Number.isFinite(budget)) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(progress.stop(plan)), Math.max(0, budget));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
