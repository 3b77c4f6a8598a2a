/**
 * What the launch needs of AWS and of a logger. The adapters in src/aws implement these over the SDK and only
 * translate: what to retry, what to conclude from a failure and what to tell the caller is decided in src/launch.
 */
import { describeCause } from './errors';
import type { Arguments, RunSettings } from './plan';

export type { Arguments };

/** A run as GetJobRuns lists it (newest first). */
export interface RecentRun {
  readonly id: string;
  readonly startedOn: Date | undefined;
  readonly arguments: Arguments;
}

/** What the launcher needs to know of a Glue job; adapters translate the SDK's `Job` into it. */
export interface GlueJob {
  readonly name: string;
  /** `Command.Name`: glueetl, gluestreaming, pythonshell, glueray. */
  readonly command: string | undefined;
  /** `GlueVersion`, e.g. "5.0". */
  readonly glueVersion: string | undefined;
  /** `Command.PythonVersion` (Python shell jobs): "3.9", "3" or "2". */
  readonly pythonVersion: string | undefined;
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
  /** Minutes. */
  readonly timeout: number | undefined;
  /** The job's own run size, which a request's worker type or count is judged with (MAX_DPU). */
  readonly workerType: string | undefined;
  readonly numberOfWorkers: number | undefined;
}

/** One StartJobRun call: the job, its final arguments and its run settings. */
export interface JobRunStart extends Omit<RunSettings, 'arguments'> {
  readonly jobName: string;
  readonly arguments: Arguments;
}

/** One page of a job's runs, newest first, and the token for the next (older) page if there is one. */
export interface JobRunsPage {
  readonly runs: readonly RecentRun[];
  readonly nextToken: string | undefined;
}

/** Glue, as the launcher uses it. Every method makes one call and throws a `ServiceFailure` when it fails. */
export interface JobService {
  getJob(jobName: string): Promise<GlueJob>;
  /** One page of the job's runs, newest first: at most `pageSize` (1 to 200), after `nextToken` when given. */
  jobRuns(jobName: string, pageSize: number, nextToken?: string): Promise<JobRunsPage>;
  /** One attempt, never retried here: a retry could start a second run (docs/adr/0003-no-sdk-retries-on-start-job-run.md). Resolves to the run id. */
  startJobRun(run: JobRunStart): Promise<string>;
}

export interface AuthorizationToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** CodeArtifact's PyPI repository, as the launcher uses it. Methods throw a `ServiceFailure`. */
export interface PrivateRepository {
  repositoryEndpoint(): Promise<string>;
  authorizationToken(durationSeconds: number): Promise<AuthorizationToken>;
}

/** An object's bytes, or word that it is larger than the reader would hold. */
export type StoredBytes = { readonly bytes: Uint8Array } | { readonly tooLarge: true };

/** S3, for requirements files. Methods throw a `ServiceFailure`. */
export interface RequirementsStore {
  /** `metadata`: the object's user metadata (`x-amz-meta-*`), as a standing file carries its token's expiry. */
  write(bucket: string, key: string, body: string, metadata?: Readonly<Record<string, string>>): Promise<void>;
  /**
   * The bytes of an object named by its `s3://bucket/key` URI, unless it is larger than `maxBytes`: undecoded, for
   * the reader decides how pip would decode them (pip/requirements.ts).
   */
  read(uri: string, maxBytes: number): Promise<StoredBytes>;
  /** An object's user metadata (S3's HeadObject: no body), names lowercased. */
  metadata(bucket: string, key: string): Promise<Readonly<Record<string, string>>>;
}

/**
 * What happened to a call, in the launcher's terms. `no-answer`: none came (timeout, cut connection); `server-error`:
 * a 5xx; `unreadable`: a 2xx that could not be read; `refused`: any other 4xx; `local`: it failed before anything
 * was sent (no HTTP status, no network error), and would fail the same way again.
 */
export type FailureKind =
  | 'local'
  | 'throttled'
  | 'not-found'
  | 'busy'
  | 'denied'
  | 'credentials'
  | 'refused'
  | 'server-error'
  | 'no-answer'
  | 'unreadable';

/** A call to AWS that failed, translated by an adapter: `detail` is the service's own `Name: message`. */
export class ServiceFailure extends Error {
  override readonly name = 'ServiceFailure';

  constructor(
    readonly operation: string,
    readonly kind: FailureKind,
    readonly detail: string,
  ) {
    super(`${operation} failed (${kind}): ${detail}`);
  }
}

/**
 * Whether an error is a `ServiceFailure`, by its shape rather than its class: the S3 adapter is a bundle of its own
 * (docs/adr/0011-requirements-file-delivery.md), with its own copy of the class.
 */
export function isServiceFailure(error: unknown): error is ServiceFailure {
  return (
    error instanceof Error &&
    error.name === 'ServiceFailure' &&
    typeof (error as ServiceFailure).operation === 'string' &&
    typeof (error as ServiceFailure).kind === 'string' &&
    typeof (error as ServiceFailure).detail === 'string'
  );
}

/** The service's own words for a failure (`Name: message`), or whatever else was thrown. */
export function failureDetail(error: unknown): string {
  return isServiceFailure(error) ? error.detail : describeCause(error);
}

/** A run as a launch recorded it: what a later invocation with the same key returns. */
export interface RecordedRun {
  readonly jobRunId: string;
  readonly tokenExpiresAt?: string;
  readonly tokenDelivery?: string;
}

/** What taking a key's lock came to. */
export type LockOutcome =
  | { readonly kind: 'acquired' }
  /** Another invocation with the key holds it now. */
  | { readonly kind: 'in-progress' }
  /** A launch of the key ended with this run. */
  | { readonly kind: 'completed'; readonly run: RecordedRun }
  /** The key is held or was used for a different request (another digest). */
  | { readonly kind: 'conflict' };

/**
 * What a lock record is for: one key of one job. Keys are per job, as Glue's run list is, so that one key (a Step
 * Functions execution's id, say) may launch several jobs, with the lock as without it.
 */
export interface LockKey {
  readonly jobName: string;
  readonly key: string;
}

/**
 * The optional atomic lock of keyed launches (IDEMPOTENCY_TABLE, docs/adr/0014-never-twice.md): one invocation with a
 * job's key at a time, and the run it started for the ones after. Methods throw a `ServiceFailure`.
 */
export interface LaunchLock {
  /** Takes the job's key for this launch, which holds it until it ends or `holdMs` have passed. */
  acquire(lockKey: LockKey, digest: string, holdMs: number): Promise<LockOutcome>;
  /** The launch of the job's key ended with this run. */
  complete(lockKey: LockKey, digest: string, run: RecordedRun): Promise<void>;
  /** The launch of the job's key ended without a run: the key is free. */
  release(lockKey: LockKey, digest: string): Promise<void>;
}

/** What a launch counts; src/observability.ts publishes it as CloudWatch metrics, once per invocation. */
export interface LaunchMetrics {
  runsStarted(count: number): void;
  runsReused(count: number): void;
  /** A token asked of CodeArtifact, for this many seconds. */
  tokenRequested(seconds: number): void;
}

/** The slice of Powertools' Logger the launch writes to, so that tests can capture it. */
type LogAttributes = Record<string, unknown>;
export interface LaunchLogger {
  debug(message: string, attributes: LogAttributes): void;
  info(message: string, attributes: LogAttributes): void;
  warn(message: string, attributes: LogAttributes): void;
  error(message: string, attributes: LogAttributes): void;
}
