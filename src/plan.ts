/**
 * The launcher's own terms for what a caller asked: src/input makes them from an event, the boundary checks them,
 * the launch acts on them.
 */

/** Run arguments, as Glue takes them: keys starting with `--`, string values. */
export type Arguments = Readonly<Record<string, string>>;

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

/**
 * Where a launch's idempotency key came from: the request's own, a batch's (derived per request), or an EventBridge
 * event's `id` (derived per request in a batch). Only an event's key is bounded by the event's `time`.
 */
export type KeySource = 'request' | 'batch' | 'event';

/** One job to start: the job name is resolved, the idempotency key is per job. */
export interface LaunchRequest extends RunSettings {
  readonly jobName: string;
  readonly idempotencyKey?: string;
  /** Where the key came from (absent: the request's own). Not part of what the request asks for. */
  readonly keySource?: KeySource;
}

export interface LaunchPlan {
  /** A batch answers with `runs`, a single request with one run, whatever the number of jobs. */
  readonly batch: boolean;
  readonly requests: readonly LaunchRequest[];
  /** An EventBridge event's `time`: a redelivery of the event carries the first's, which bounds the lookup. */
  readonly eventTime?: Date;
}
