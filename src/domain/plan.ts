import type { Arguments } from './arguments';

/** How one run is started, besides its job: camelCase mirrors of StartJobRun's fields. */
export interface RunSettings {
  readonly arguments?: Arguments | undefined;
  /** Minutes. */
  readonly timeout?: number | undefined;
  readonly workerType?: string | undefined;
  readonly numberOfWorkers?: number | undefined;
  readonly executionClass?: 'STANDARD' | 'FLEX' | undefined;
  readonly securityConfiguration?: string | undefined;
  readonly jobRunQueuingEnabled?: boolean | undefined;
}

/** One job to start: the job name is resolved, the idempotency key is per job. */
export interface LaunchRequest extends RunSettings {
  readonly jobName: string;
  readonly idempotencyKey?: string;
}

export interface LaunchPlan {
  /** A batch answers with `runs`, a single request with one run, whatever the number of jobs. */
  readonly batch: boolean;
  readonly requests: readonly LaunchRequest[];
  /** An EventBridge event's `time`: a redelivery carries the first delivery's, which bounds the lookup. */
  readonly eventTime?: Date;
}

/** Which jobs an invocation may start: `"*"` lets IAM alone bound it. */
export type Allowlist = { readonly any: true } | { readonly any: false; readonly names: ReadonlySet<string> };
