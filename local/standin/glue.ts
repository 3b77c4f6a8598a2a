import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { ServiceError } from './errors';
import type { InstallOutcome, ModuleInstaller } from './installer';

type Args = Record<string, string>;

export interface JobDefinition {
  Name: string;
  Role?: string;
  Command: { Name: string; ScriptLocation?: string; PythonVersion?: string };
  DefaultArguments?: Args;
  NonOverridableArguments?: Args;
  ExecutionProperty?: { MaxConcurrentRuns?: number };
  Timeout?: number;
  GlueVersion?: string;
  WorkerType?: string;
  NumberOfWorkers?: number;
  MaxRetries?: number;
  JobRunQueuingEnabled?: boolean;
}

export type JobRunState = 'WAITING' | 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'STOPPED';

export interface JobRun {
  Id: string;
  Attempt: number;
  JobName: string;
  JobRunState: JobRunState;
  StartedOn: number;
  LastModifiedOn: number;
  CompletedOn?: number;
  /** The run's own arguments, as StartJobRun received them (Glue reports them so). */
  Arguments: Args;
  ErrorMessage?: string;
  Timeout?: number;
  WorkerType?: string;
  NumberOfWorkers?: number;
  ExecutionClass?: string;
  SecurityConfiguration?: string;
  JobRunQueuingEnabled?: boolean;
  GlueVersion?: string;
}

const ACTIVE: ReadonlySet<JobRunState> = new Set(['STARTING', 'RUNNING']);
const PENDING: ReadonlySet<JobRunState> = new Set(['WAITING', 'STARTING', 'RUNNING']);

/**
 * What Glue does when CreateJob names no GlueVersion (botocore's Glue model, Job.GlueVersion: "Jobs that are created
 * without specifying a Glue version default to Glue 5.1"), and a job's Timeout when it sets none (Job.Timeout: 2,880
 * minutes for Glue 4.0 and earlier, 480 for 5.0 and later).
 */
export const DEFAULT_GLUE_VERSION = '5.1';
export const defaultTimeout = (glueVersion: string) => (Number.parseFloat(glueVersion) >= 5 ? 480 : 2880);

/**
 * StartJobRun's WorkerType: botocore's Glue model enumerates Standard, G.1X, G.2X, G.025X, G.4X, G.8X and Z.2X; Glue's
 * own "AWS Glue worker types" page adds G.12X, G.16X and the memory-optimised R.1X to R.8X, which Glue takes.
 */
export const WORKER_TYPES: ReadonlySet<string> = new Set([
  'Standard',
  'G.1X',
  'G.2X',
  'G.025X',
  'G.4X',
  'G.8X',
  'G.12X',
  'G.16X',
  'R.1X',
  'R.2X',
  'R.4X',
  'R.8X',
  'Z.2X',
]);
/** The most workers a run may have, where Glue documents it: "299 for G.1X, and 149 for G.2X" (the Job structure). */
const MAX_WORKERS: Readonly<Record<string, number>> = { 'G.1X': 299, 'G.2X': 149 };

const invalid = (message: string) => new ServiceError('InvalidInputException', message);

const requireString = (input: Record<string, unknown>, field: string): string => {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ServiceError('InvalidInputException', `${field} is required`);
  }
  return value;
};

const stringMap = (value: unknown, field: string): Args => {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new ServiceError('InvalidInputException', `${field} must be a map of strings`);
  }
  return value as Args;
};

/**
 * Glue's jobs and runs, with Glue's own rules: NonOverridableArguments over run Arguments over
 * DefaultArguments, MaxConcurrentRuns (default 1), newest runs first, and a start-up that installs the run's
 * Python modules the way Glue does.
 */
export class Glue {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly runs = new Map<string, JobRun[]>();
  private readonly outcomes = new Map<string, InstallOutcome>();
  private readonly settled = new Map<string, Array<(run: JobRun) => void>>();
  /** While true, finished start-ups keep their runs RUNNING: lets tests hit MaxConcurrentRuns. */
  holdRuns = false;
  /**
   * How long a run may wait (WAITING) for a slot before Glue gives up on it: "AWS Glue will retry for a maximum of 15
   * minutes or 10 attempts", then FAILED ("AWS Glue job run statuses"). Tests shorten it.
   */
  waitingGivesUpAfterMs = 15 * 60 * 1000;
  /** Jobs whose GetJob answers without a GlueVersion, as Glue does for a job created before there was one. */
  readonly withoutGlueVersion = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly installer: ModuleInstaller,
  ) {}

  private seconds(): number {
    return this.clock.now() / 1000;
  }

  private job(name: string): JobDefinition {
    const job = this.jobs.get(name);
    if (!job) throw new ServiceError('EntityNotFoundException', `Job with name: ${name} not found`);
    return job;
  }

  CreateJob(input: Record<string, unknown>): { Name: string } {
    const name = requireString(input, 'Name');
    if (this.jobs.has(name)) throw new ServiceError('AlreadyExistsException', `Job with name: ${name} already exists`);
    const definition = input as unknown as JobDefinition;
    if (!definition.Command?.Name) throw new ServiceError('InvalidInputException', 'Command is required');
    const glueVersion = definition.GlueVersion ?? DEFAULT_GLUE_VERSION;
    this.jobs.set(name, {
      ...definition,
      GlueVersion: glueVersion,
      DefaultArguments: stringMap(definition.DefaultArguments, 'DefaultArguments'),
      NonOverridableArguments: stringMap(definition.NonOverridableArguments, 'NonOverridableArguments'),
      ExecutionProperty: { MaxConcurrentRuns: definition.ExecutionProperty?.MaxConcurrentRuns ?? 1 },
      Timeout: definition.Timeout ?? defaultTimeout(glueVersion),
    });
    this.runs.set(name, []);
    return { Name: name };
  }

  GetJob(input: Record<string, unknown>): { Job: JobDefinition } {
    const job = this.job(requireString(input, 'JobName'));
    if (!this.withoutGlueVersion.has(job.Name)) return { Job: job };
    const { GlueVersion: _, ...answered } = job;
    return { Job: answered };
  }

  GetJobRuns(input: Record<string, unknown>): { JobRuns: JobRun[]; NextToken?: string } {
    const name = requireString(input, 'JobName');
    this.job(name);
    const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 200) {
      throw new ServiceError('InvalidInputException', 'MaxResults must be between 1 and 200');
    }
    const offset = input.NextToken === undefined ? 0 : this.offsetOf(name, input.NextToken);
    const all = this.runs.get(name) ?? [];
    const page = all.slice(offset, offset + max);
    return offset + max < all.length
      ? { JobRuns: page, NextToken: this.tokenFor(name, offset + max) }
      : { JobRuns: page };
  }

  /** Page tokens Glue would accept back: opaque, signed, for one job. A token it did not issue is refused. */
  private readonly tokenKey = randomBytes(16);

  private tokenFor(jobName: string, offset: number): string {
    const payload = Buffer.from(JSON.stringify([jobName, offset])).toString('base64url');
    return `${payload}.${createHmac('sha256', this.tokenKey).update(payload).digest('base64url')}`;
  }

  private offsetOf(jobName: string, token: unknown): number {
    const [payload = '', mac] = String(token).split('.');
    const expected = createHmac('sha256', this.tokenKey).update(payload).digest('base64url');
    const [name, offset] =
      mac === expected ? (JSON.parse(Buffer.from(payload, 'base64url').toString()) as [string, number]) : [];
    if (name !== jobName || typeof offset !== 'number') throw invalid('Invalid pagination token');
    return offset;
  }

  GetJobRun(input: Record<string, unknown>): { JobRun: JobRun } {
    const name = requireString(input, 'JobName');
    const id = requireString(input, 'RunId');
    this.job(name);
    const run = this.runs.get(name)?.find((r) => r.Id === id);
    if (!run) throw new ServiceError('EntityNotFoundException', `Job run ${id} not found`);
    return { JobRun: run };
  }

  /** Security configurations by name (CreateSecurityConfiguration's effect): StartJobRun may name only these. */
  readonly securityConfigurations = new Set<string>();

  /**
   * StartJobRun's rules, each from botocore's Glue model or the StartJobRun API reference: Timeout at least 1 (the
   * model's min) and under 10,080 minutes ("Jobs must have timeout values less than 7 days"); WorkerType one of the
   * model's enum; NumberOfWorkers only with a WorkerType ("you should specify a Worker type and the Number of
   * workers"); no MaxCapacity beside a WorkerType ("Do not set MaxCapacity if using WorkerType"); ExecutionClass
   * FLEX or STANDARD; a SecurityConfiguration that exists (EntityNotFoundException otherwise). Past
   * MaxConcurrentRuns, ConcurrentRunsExceededException, unless job run queuing is on: then the run waits.
   */
  StartJobRun(input: Record<string, unknown>): { JobRunId: string } {
    const name = requireString(input, 'JobName');
    const job = this.job(name);
    const runs = this.runs.get(name) as JobRun[];
    const timeout = input.Timeout;
    if (
      timeout !== undefined &&
      (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) >= 10_080)
    ) {
      throw invalid('Timeout must be a whole number of minutes, at least 1 and less than 10080');
    }
    const workerType = (input.WorkerType as string | undefined) ?? job.WorkerType;
    if (input.WorkerType !== undefined && !WORKER_TYPES.has(String(input.WorkerType))) {
      throw invalid(`Worker type ${String(input.WorkerType)} is not supported`);
    }
    if (input.NumberOfWorkers !== undefined && workerType === undefined) {
      throw invalid('Please set both Worker Type and Number of Workers');
    }
    const workers = (input.NumberOfWorkers as number | undefined) ?? job.NumberOfWorkers;
    const most = workerType === undefined ? undefined : MAX_WORKERS[workerType];
    if (
      workers !== undefined &&
      (!Number.isInteger(workers) || workers < 1 || (most !== undefined && workers > most))
    ) {
      throw invalid(`NumberOfWorkers must be from 1 to ${most ?? 'the limit'} for worker type ${workerType}`);
    }
    if (input.MaxCapacity !== undefined && input.WorkerType !== undefined) {
      throw invalid('Please do not set Max Capacity if using Worker Type and Number of Workers');
    }
    if (input.ExecutionClass !== undefined && !['STANDARD', 'FLEX'].includes(input.ExecutionClass as string)) {
      throw invalid(`Invalid ExecutionClass ${String(input.ExecutionClass)}`);
    }
    const security = input.SecurityConfiguration as string | undefined;
    if (security !== undefined && !this.securityConfigurations.has(security)) {
      throw new ServiceError('EntityNotFoundException', `Security configuration ${security} not found`);
    }
    const limit = job.ExecutionProperty?.MaxConcurrentRuns ?? 1;
    const queuing = (input.JobRunQueuingEnabled as boolean | undefined) ?? job.JobRunQueuingEnabled ?? false;
    const busy = runs.filter((r) => ACTIVE.has(r.JobRunState)).length >= limit;
    if (busy && !queuing) {
      throw new ServiceError('ConcurrentRunsExceededException', `Concurrent runs exceeded for ${name}`);
    }
    const now = this.seconds();
    const run: JobRun = {
      Id: `jr_${randomBytes(32).toString('hex')}`,
      Attempt: 0,
      JobName: name,
      JobRunState: busy ? 'WAITING' : 'STARTING',
      StartedOn: now,
      LastModifiedOn: now,
      Arguments: stringMap(input.Arguments, 'Arguments'),
      Timeout: (timeout as number | undefined) ?? job.Timeout,
      WorkerType: workerType,
      NumberOfWorkers: (input.NumberOfWorkers as number | undefined) ?? job.NumberOfWorkers,
      ExecutionClass: (input.ExecutionClass as string | undefined) ?? 'STANDARD',
      SecurityConfiguration: security,
      JobRunQueuingEnabled: queuing,
      GlueVersion: job.GlueVersion,
    };
    runs.unshift(run);
    if (!busy) void this.execute(job, run);
    else this.giveUpLater(run);
    return { JobRunId: run.Id };
  }

  /** A run still WAITING when Glue gives up on it ends FAILED, as Glue's does. */
  private giveUpLater(run: JobRun): void {
    setTimeout(() => {
      if (run.JobRunState !== 'WAITING') return;
      run.JobRunState = 'FAILED';
      run.ErrorMessage = 'The job run could not acquire the resources it waited for (MaxConcurrentRuns)';
      run.CompletedOn = this.seconds();
      run.LastModifiedOn = run.CompletedOn;
      for (const notify of this.settled.get(run.Id) ?? []) notify(run);
      this.settled.delete(run.Id);
    }, this.waitingGivesUpAfterMs).unref();
  }

  /** A slot freed: the job's oldest waiting run starts. */
  private startWaiting(job: JobDefinition): void {
    const runs = this.runs.get(job.Name) ?? [];
    const limit = job.ExecutionProperty?.MaxConcurrentRuns ?? 1;
    if (runs.filter((r) => ACTIVE.has(r.JobRunState)).length >= limit) return;
    const next = runs.filter((r) => r.JobRunState === 'WAITING').at(-1);
    if (next === undefined) return;
    next.JobRunState = 'STARTING';
    next.LastModifiedOn = this.seconds();
    void this.execute(job, next);
  }

  /** Glue's precedence: NonOverridableArguments over the run's Arguments over DefaultArguments. */
  effectiveArguments(job: JobDefinition, run: JobRun): Args {
    return { ...job.DefaultArguments, ...run.Arguments, ...job.NonOverridableArguments };
  }

  private async execute(job: JobDefinition, run: JobRun): Promise<void> {
    run.JobRunState = 'RUNNING';
    const outcome = await this.installer.install(this.effectiveArguments(job, run), job.Command.Name);
    this.outcomes.set(run.Id, outcome);
    while (this.holdRuns && outcome.ok) await new Promise((resolve) => setTimeout(resolve, 20));
    run.JobRunState = outcome.ok ? 'SUCCEEDED' : 'FAILED';
    if (!outcome.ok) run.ErrorMessage = outcome.message;
    run.CompletedOn = this.seconds();
    run.LastModifiedOn = run.CompletedOn;
    for (const notify of this.settled.get(run.Id) ?? []) notify(run);
    this.settled.delete(run.Id);
    this.startWaiting(job);
  }

  /** What the run's start-up printed and installed (not part of Glue's API: Glue writes it to CloudWatch). */
  outcomeOf(runId: string): InstallOutcome | undefined {
    return this.outcomes.get(runId);
  }

  /**
   * Moves every run so far this many seconds into the past, as if it had started that much earlier: a benchmark
   * launching one job hundreds of times in a minute can then look like a schedule (fixtures' nextScheduledEvent).
   */
  ageRuns(seconds: number): void {
    for (const runs of this.runs.values()) {
      for (const run of runs) {
        run.StartedOn -= seconds;
        run.LastModifiedOn -= seconds;
        if (run.CompletedOn !== undefined) run.CompletedOn -= seconds;
      }
    }
  }

  allRuns(jobName?: string): JobRun[] {
    const names = jobName === undefined ? [...this.runs.keys()] : [jobName];
    return names.flatMap((name) => this.runs.get(name) ?? []);
  }

  /** Resolves when the run has ended. */
  settledRun(runId: string): Promise<JobRun> {
    const run = this.allRuns().find((r) => r.Id === runId);
    if (!run) return Promise.reject(new Error(`no run ${runId}`));
    if (!PENDING.has(run.JobRunState)) return Promise.resolve(run);
    return new Promise((resolve) => {
      this.settled.set(runId, [...(this.settled.get(runId) ?? []), resolve]);
    });
  }

  call(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'CreateJob':
        return this.CreateJob(input);
      case 'GetJob':
        return this.GetJob(input);
      case 'GetJobRuns':
        return this.GetJobRuns(input);
      case 'GetJobRun':
        return this.GetJobRun(input);
      case 'StartJobRun':
        return this.StartJobRun(input);
      case 'CreateSecurityConfiguration':
        this.securityConfigurations.add(requireString(input, 'Name'));
        return { Name: input.Name, CreatedTimestamp: this.seconds() };
      default:
        throw new ServiceError('UnknownOperationException', `The stand-in does not implement ${operation}`);
    }
  }
}
