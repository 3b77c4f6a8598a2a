import type { Arguments } from './arguments';
import type { RecentRun } from './idempotency';
import type { RunSettings } from './request';

/** What the launcher needs to know of a Glue job; adapters translate the SDK's `Job` into it. */
export interface GlueJob {
  readonly name: string;
  /** `Command.Name`: glueetl, gluestreaming, pythonshell, glueray. */
  readonly command: string | undefined;
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
  /** Minutes. */
  readonly timeout: number | undefined;
}

export interface JobRunStart extends Omit<RunSettings, 'arguments'> {
  readonly jobName: string;
  readonly arguments: Arguments;
  /** Lets the adapter tell, after a lost answer, whether the run started: it is in `arguments` too. */
  readonly idempotencyKey: string | undefined;
}

/** Glue, as the launcher uses it. Adapters throw the contract's named errors. */
export interface JobService {
  getJob(jobName: string): Promise<GlueJob>;
  /** The job's most recent runs, newest first: one page of at most `count` (1 to 200). */
  recentRuns(jobName: string, count: number): Promise<readonly RecentRun[]>;
  /**
   * Resolves to the run's id. When StartJobRun's answer is lost (timeout, 5xx, cut connection), a keyed start
   * looks for its own run before trying again, so that it never starts twice.
   */
  startJobRun(run: JobRunStart): Promise<string>;
}

export interface AuthorizationToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** CodeArtifact, as the launcher uses it. Failures are `TokenUnavailable`. */
export interface PackageIndex {
  /** The PyPI repository endpoint; it never changes, so adapters may cache it for the container's life. */
  repositoryEndpoint(): Promise<string>;
  authorizationToken(durationSeconds: number): Promise<AuthorizationToken>;
}

/** The slice of Powertools' Logger the use case writes to, so that tests can capture it. */
type LogAttributes = Record<string, unknown>;
export interface LaunchLogger {
  debug(message: string, attributes: LogAttributes): void;
  info(message: string, attributes: LogAttributes): void;
  warn(message: string, attributes: LogAttributes): void;
  error(message: string, attributes: LogAttributes): void;
}
