import { randomBytes } from 'node:crypto';
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
}

export type JobRunState = 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'STOPPED';

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
    this.jobs.set(name, {
      ...definition,
      DefaultArguments: stringMap(definition.DefaultArguments, 'DefaultArguments'),
      NonOverridableArguments: stringMap(definition.NonOverridableArguments, 'NonOverridableArguments'),
      ExecutionProperty: { MaxConcurrentRuns: definition.ExecutionProperty?.MaxConcurrentRuns ?? 1 },
      Timeout: definition.Timeout ?? 2880,
    });
    this.runs.set(name, []);
    return { Name: name };
  }

  GetJob(input: Record<string, unknown>): { Job: JobDefinition } {
    return { Job: this.job(requireString(input, 'JobName')) };
  }

  GetJobRuns(input: Record<string, unknown>): { JobRuns: JobRun[]; NextToken?: string } {
    const name = requireString(input, 'JobName');
    this.job(name);
    const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 200) {
      throw new ServiceError('InvalidInputException', 'MaxResults must be between 1 and 200');
    }
    const offset = input.NextToken === undefined ? 0 : Number(input.NextToken);
    const all = this.runs.get(name) ?? [];
    const page = all.slice(offset, offset + max);
    return offset + max < all.length ? { JobRuns: page, NextToken: String(offset + max) } : { JobRuns: page };
  }

  GetJobRun(input: Record<string, unknown>): { JobRun: JobRun } {
    const name = requireString(input, 'JobName');
    const id = requireString(input, 'RunId');
    this.job(name);
    const run = this.runs.get(name)?.find((r) => r.Id === id);
    if (!run) throw new ServiceError('EntityNotFoundException', `Job run ${id} not found`);
    return { JobRun: run };
  }

  StartJobRun(input: Record<string, unknown>): { JobRunId: string } {
    const name = requireString(input, 'JobName');
    const job = this.job(name);
    const runs = this.runs.get(name) as JobRun[];
    const limit = job.ExecutionProperty?.MaxConcurrentRuns ?? 1;
    if (runs.filter((r) => ACTIVE.has(r.JobRunState)).length >= limit) {
      throw new ServiceError('ConcurrentRunsExceededException', `Concurrent runs exceeded for ${name}`);
    }
    if (input.Timeout !== undefined && (!Number.isInteger(input.Timeout) || (input.Timeout as number) < 1)) {
      throw new ServiceError('InvalidInputException', 'Timeout must be a positive integer');
    }
    if (input.ExecutionClass !== undefined && !['STANDARD', 'FLEX'].includes(input.ExecutionClass as string)) {
      throw new ServiceError('InvalidInputException', `Invalid ExecutionClass ${String(input.ExecutionClass)}`);
    }
    const now = this.seconds();
    const run: JobRun = {
      Id: `jr_${randomBytes(32).toString('hex')}`,
      Attempt: 0,
      JobName: name,
      JobRunState: 'STARTING',
      StartedOn: now,
      LastModifiedOn: now,
      Arguments: stringMap(input.Arguments, 'Arguments'),
      Timeout: (input.Timeout as number | undefined) ?? job.Timeout,
      WorkerType: (input.WorkerType as string | undefined) ?? job.WorkerType,
      NumberOfWorkers: (input.NumberOfWorkers as number | undefined) ?? job.NumberOfWorkers,
      ExecutionClass: (input.ExecutionClass as string | undefined) ?? 'STANDARD',
      SecurityConfiguration: input.SecurityConfiguration as string | undefined,
      JobRunQueuingEnabled: input.JobRunQueuingEnabled as boolean | undefined,
      GlueVersion: job.GlueVersion,
    };
    runs.unshift(run);
    void this.execute(job, run);
    return { JobRunId: run.Id };
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
  }

  /** What the run's start-up printed and installed (not part of Glue's API: Glue writes it to CloudWatch). */
  outcomeOf(runId: string): InstallOutcome | undefined {
    return this.outcomes.get(runId);
  }

  allRuns(jobName?: string): JobRun[] {
    const names = jobName === undefined ? [...this.runs.keys()] : [jobName];
    return names.flatMap((name) => this.runs.get(name) ?? []);
  }

  /** Resolves when the run has ended. */
  settledRun(runId: string): Promise<JobRun> {
    const run = this.allRuns().find((r) => r.Id === runId);
    if (!run) return Promise.reject(new Error(`no run ${runId}`));
    if (!ACTIVE.has(run.JobRunState)) return Promise.resolve(run);
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
      default:
        throw new ServiceError('UnknownOperationException', `The stand-in does not implement ${operation}`);
    }
  }
}
