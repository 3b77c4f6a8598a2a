import { GetJobCommand, type GlueClient, StartJobRunCommand, type WorkerType } from '@aws-sdk/client-glue';
import { ConcurrentRunsExceeded, describeCause, JobNotFound, StartJobRunFailed } from '../errors';
import type { GlueJob, JobRunStart, JobService } from '../ports';

// Matched by name, not instanceof: a bundle may hold more than one copy of the SDK's exception classes.
const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

const notFound = (jobName: string, error: unknown) =>
  new JobNotFound(`Job ${jobName} was not started: Glue has no such job (${describeCause(error)}).`);

/** Glue's GetJob and StartJobRun, translated to the launcher's terms and named errors. */
export class GlueJobService implements JobService {
  constructor(private readonly client: GlueClient) {}

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

  async startJobRun(run: JobRunStart): Promise<string> {
    try {
      const { JobRunId: jobRunId } = await this.client.send(
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
      if (jobRunId === undefined) throw new Error('StartJobRun returned no JobRunId');
      return jobRunId;
    } catch (error) {
      if (isNamed(error, 'EntityNotFoundException')) throw notFound(run.jobName, error);
      if (isNamed(error, 'ConcurrentRunsExceededException')) {
        throw new ConcurrentRunsExceeded(
          `Job ${run.jobName} was not started: it already has as many runs as its MaxConcurrentRuns allows (${describeCause(error)}).`,
        );
      }
      throw new StartJobRunFailed(
        `Job ${run.jobName} was not started: StartJobRun failed with ${describeCause(error)}.`,
      );
    }
  }
}
