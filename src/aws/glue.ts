import {
  GetJobCommand,
  GetJobRunsCommand,
  type GlueClient,
  StartJobRunCommand,
  type WorkerType,
} from '@aws-sdk/client-glue';
import type { GlueJob, JobRunStart, JobRunsPage, JobService } from '../ports';
import { incomplete, translated } from './failure';

/** Glue's GetJob, GetJobRuns and StartJobRun, in the launcher's terms. */
export class GlueJobService implements JobService {
  /** `starts` sends StartJobRun only, with SDK retries off (clients.ts). */
  constructor(
    private readonly client: GlueClient,
    private readonly starts: GlueClient,
  ) {}

  getJob(jobName: string): Promise<GlueJob> {
    return translated('GetJob', async () => {
      const { Job: job } = await this.client.send(new GetJobCommand({ JobName: jobName }));
      if (job === undefined)
        throw Object.assign(new Error('GetJob returned no job'), { name: 'EntityNotFoundException' });
      return {
        name: job.Name ?? jobName,
        command: job.Command?.Name,
        glueVersion: job.GlueVersion,
        pythonVersion: job.Command?.PythonVersion,
        defaultArguments: job.DefaultArguments ?? {},
        nonOverridableArguments: job.NonOverridableArguments ?? {},
        timeout: job.Timeout,
        workerType: job.WorkerType,
        numberOfWorkers: job.NumberOfWorkers,
      };
    });
  }

  jobRuns(jobName: string, pageSize: number, nextToken?: string): Promise<JobRunsPage> {
    return translated('GetJobRuns', async () => {
      const page = await this.client.send(
        new GetJobRunsCommand({ JobName: jobName, MaxResults: pageSize, NextToken: nextToken }),
      );
      return {
        runs: (page.JobRuns ?? []).flatMap((run) =>
          run.Id ? [{ id: run.Id, startedOn: run.StartedOn, arguments: run.Arguments ?? {} }] : [],
        ),
        nextToken: page.NextToken,
      };
    });
  }

  async startJobRun(run: JobRunStart): Promise<string> {
    const { JobRunId: jobRunId } = await translated('StartJobRun', () =>
      this.starts.send(
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
      ),
    );
    if (jobRunId === undefined) throw incomplete('StartJobRun', 'JobRunId');
    return jobRunId;
  }
}
