import type { ArgumentPolicy } from '../domain/argument-policy';
import type { PipDelivery } from '../domain/arguments';
import type { PipIndexOption } from '../domain/pip-options';
import type { Allowlist, LaunchPlan, LaunchRequest } from '../domain/plan';
import type { RequirementsLocation, TokenDelivery, TokenDeliverySetting } from '../domain/requirements-file';
import type { TokenDurationSetting } from '../domain/token';
import type { LauncherErrorName } from '../errors';
import type { GlueJob, JobService, LaunchLogger, LaunchMetrics, PrivateRepository, RequirementsStore } from '../ports';
import type { Progress } from './deadline';

/** The configuration the launch acts on. `domain` and `repository` only name the index in messages. */
export interface LaunchSettings {
  readonly allowlist: Allowlist;
  readonly argumentPolicy: ArgumentPolicy;
  readonly pipIndexOption: PipIndexOption;
  readonly tokenDelivery: TokenDeliverySetting;
  readonly tokenDuration: TokenDurationSetting;
  readonly maxParallelStarts: number;
  readonly domain: string;
  readonly repository: string;
}

/** Everything one container's launches share: created once, in src/launcher.ts. */
export interface LaunchDeps {
  readonly jobs: JobService;
  readonly repository: PrivateRepository;
  /** The repository endpoint, fetched once per container (a failure is not remembered). */
  readonly endpoint: () => Promise<string>;
  readonly settings: LaunchSettings;
  readonly logger: LaunchLogger;
  readonly metrics: LaunchMetrics;
  /** Where requirements files go, and the store that writes them: only when TOKEN_DELIVERY is not `arguments`. */
  readonly requirements?: { readonly location: RequirementsLocation; readonly store: RequirementsStore };
  /**
   * Each job's run timeout (minutes: its `Timeout`, else its Glue version's default) as this container last saw it, so that a warm launch can size its token
   * before GetJob answers: one round trip saved. GetJob still answers, and a job whose timeout grew gets a new
   * token before it starts.
   */
  readonly jobTimeouts: Map<string, number>;
  readonly clock: () => number;
  /** Milliseconds to wait before StartJobRun attempt `attempt + 1`. */
  readonly backoffMs: (attempt: number) => number;
}

/** What one invocation knows of its own limits: Lambda's `context.getRemainingTimeInMillis`. */
export interface InvocationTime {
  readonly remainingMs: () => number;
}

/** One invocation's own state, beside the container's `LaunchDeps`. */
export interface Invocation {
  readonly plan: LaunchPlan;
  readonly time: InvocationTime;
  readonly progress: Progress;
  readonly elapsedMs: () => number;
}

/** One job of the plan as the launch goes: refused or already started before the token, ready, then started. */
export type JobState =
  | { readonly kind: 'failed'; readonly request: LaunchRequest; readonly error: unknown }
  | {
      readonly kind: 'reused';
      readonly request: LaunchRequest;
      readonly jobRunId: string;
      readonly tokenExpiresAt: string | undefined;
      /** As the run recorded it; absent on runs started before it was recorded. */
      readonly tokenDelivery: string | undefined;
    }
  | {
      readonly kind: 'ready';
      readonly request: LaunchRequest;
      readonly job: GlueJob;
      /** Which argument carries the index, and what it is rewritten from, already checked. */
      readonly delivery: PipDelivery;
      /** What the request asks for, recorded on the run (domain/idempotency.ts). */
      readonly digest: string;
    }
  | {
      readonly kind: 'started';
      readonly request: LaunchRequest;
      readonly jobRunId: string;
      readonly tokenDelivery: TokenDelivery;
    };

export type Ready = Extract<JobState, { kind: 'ready' }>;

export interface StartedRun {
  readonly jobName: string;
  readonly jobRunId: string;
  /** How the run got its token: in its arguments, or in a requirements file. */
  readonly tokenDelivery?: string;
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
