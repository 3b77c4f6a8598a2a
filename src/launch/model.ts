import type { Allowlist } from '../boundary/allowlist';
import type { ArgumentPolicy } from '../boundary/argument-policy';
import type { LauncherError } from '../errors';
import type { PipIndexOption } from '../pip/options';
import type { IndexPlacement, PlacementDraft } from '../pip/placement';
import type { Delivery, TokenDelivery } from '../pip/requirements-file';
import type { StandingDraft, StandingFiles, StandingPlacement } from '../pip/standing-file';
import type { LaunchPlan, LaunchRequest } from '../plan';
import type {
  GlueJob,
  JobService,
  LaunchLock,
  LaunchLogger,
  LaunchMetrics,
  PrivateRepository,
  RequirementsStore,
} from '../ports';
import type { TokenDurationChoice } from '../token/lifetime';
import type { Progress } from './deadline';

/** The configuration the launch acts on. `domain` and `repository` only name the index in messages. */
export interface LaunchConfig {
  readonly allowlist: Allowlist;
  readonly argumentPolicy: ArgumentPolicy;
  readonly pipIndexOption: PipIndexOption;
  readonly tokenDuration: TokenDurationChoice;
  readonly maxParallelStarts: number;
  readonly domain: string;
  readonly repository: string;
  /** STANDING_JOB_NAMES: jobs whose runs read their standing file (docs/standing-files.md). */
  readonly standing?: StandingFiles | undefined;
}

/** Everything one container's launches share: created once, in src/container.ts. */
export interface LaunchDeps {
  readonly jobs: JobService;
  readonly repository: PrivateRepository;
  /** The repository endpoint, fetched once per container (a failure is not remembered). */
  readonly endpoint: () => Promise<string>;
  readonly config: LaunchConfig;
  /** Where tokens go (TOKEN_DELIVERY), and where requirements files go when it writes them. */
  readonly delivery: Delivery;
  /** S3, for jobs' own requirements files (read in every delivery) and the launcher's (written in file deliveries). */
  readonly files: RequirementsStore;
  /** The optional atomic lock of keyed launches (IDEMPOTENCY_TABLE); absent, Glue's run list alone. */
  readonly lock: LaunchLock | undefined;
  readonly logger: LaunchLogger;
  readonly metrics: LaunchMetrics;
  /**
   * Each job's run timeout (minutes: its `Timeout`, else its Glue version's default) as this container last saw
   * it, so that a warm launch can size its token before GetJob answers: one round trip saved. GetJob still
   * answers, and a job whose timeout grew gets a new token before it starts.
   */
  readonly jobTimeouts: Map<string, number>;
  readonly clock: () => number;
  /** Milliseconds to wait before StartJobRun attempt `attempt + 1`. */
  readonly backoffMs: (attempt: number) => number;
  /** How long after it was sent a StartJobRun may still take effect: no look for its run before then. */
  readonly startEffectWindowMs: number;
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

/**
 * One job of the plan as the launch goes: judged failed, reused (started by an earlier invocation of the same launch)
 * or eligible; placed ready (its index placed, its own requirements file read) or failed; then started or failed.
 * The caller's JSON is made from it at the edge (launch/outcome.ts).
 */
export type JobState =
  | { readonly kind: 'failed'; readonly request: LaunchRequest; readonly error: LauncherError }
  | {
      readonly kind: 'reused';
      readonly request: LaunchRequest;
      readonly jobRunId: string;
      readonly tokenExpiresAt: string | undefined;
      /** As the run recorded it; absent on runs started before it was recorded. */
      readonly tokenDelivery: string | undefined;
    }
  | {
      readonly kind: 'eligible';
      readonly request: LaunchRequest;
      readonly job: GlueJob;
      /**
       * What its arguments say pip will do, read by the strict grammars (pip/placement.ts); a standing job's, its
       * standing file and its source (pip/standing-file.ts).
       */
      readonly draft: PlacementDraft | StandingDraft;
      /** What the request asks for, recorded on the run (idempotency/record.ts). */
      readonly digest: string;
    }
  | {
      readonly kind: 'ready';
      readonly request: LaunchRequest;
      readonly job: GlueJob;
      /** Where the index goes, already checked. */
      readonly placement: IndexPlacement | StandingPlacement;
      readonly digest: string;
    }
  | {
      readonly kind: 'started';
      readonly request: LaunchRequest;
      readonly jobRunId: string;
      readonly tokenDelivery: TokenDelivery;
      /** When the token the run reads expires: this invocation's, or its standing file's. */
      readonly tokenExpiresAt: string;
    };

export type Eligible = Extract<JobState, { kind: 'eligible' }>;
export type Ready = Extract<JobState, { kind: 'ready' }>;
/** A job whose launch has ended: started, reused or failed. */
export type Concluded = Exclude<JobState, { kind: 'eligible' | 'ready' }>;

export function failed(request: LaunchRequest, error: LauncherError): Concluded {
  return { kind: 'failed', request, error };
}
