import {
  GetJobCommand,
  GetJobRunsCommand,
  type GlueClient,
  StartJobRunCommand,
  type WorkerType,
} from '@aws-sdk/client-glue';
import type { GlueJob, JobRunStart, JobService, RecentRun } from '../ports';
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
        defaultArguments: job.DefaultArguments ?? {},
        nonOverridableArguments: job.NonOverridableArguments ?? {},
        timeout: job.Timeout,
      };
    });
  }

  recentRuns(jobName: string, count: number): Promise<readonly RecentRun[]> {
    return translated('GetJobRuns', async () => {
      const { JobRuns: runs } = await this.client.send(new GetJobRunsCommand({ JobName: jobName, MaxResults: count }));
      return (runs ?? []).flatMap((run) => (run.Id ? [{ id: run.Id, arguments: run.Arguments ?? {} }] : []));
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
