/**
 * The reference flow: the approach most teams use today, a Python Lambda ported here so that both flows run in
 * one process on one runtime. Per invocation it creates new clients, then calls, one after another, GetJob,
 * GetRepositoryEndpoint, GetAuthorizationToken (durationSeconds 0: "as long as the role session") and
 * StartJobRun with the job's defaults plus `--python-modules-installer-option: --index-url=<url>` (replacing
 * whatever was there). A batch is a loop of such invocations. Bundled like the launcher, so that the comparison
 * is about the flow, not the build.
 */
import {
  CodeartifactClient,
  GetAuthorizationTokenCommand,
  GetRepositoryEndpointCommand,
} from '@aws-sdk/client-codeartifact';
import { GetJobCommand, GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';

export const handler = async (event: { jobName?: string } = {}) => {
  const glue = new GlueClient({});
  const codeartifact = new CodeartifactClient({});
  const jobName = event.jobName ?? process.env.GLUE_JOB_NAME;
  const domain = process.env.CODEARTIFACT_DOMAIN;
  const domainOwner = process.env.CODEARTIFACT_DOMAIN_OWNER;

  const { Job: job } = await glue.send(new GetJobCommand({ JobName: jobName }));
  const { repositoryEndpoint } = await codeartifact.send(
    new GetRepositoryEndpointCommand({
      domain,
      domainOwner,
      repository: process.env.CODEARTIFACT_REPOSITORY,
      format: 'pypi',
    }),
  );
  const { authorizationToken } = await codeartifact.send(
    new GetAuthorizationTokenCommand({ domain, domainOwner, durationSeconds: 0 }),
  );
  const endpoint = new URL(repositoryEndpoint as string);
  const indexUrl = `${endpoint.protocol}//aws:${authorizationToken}@${endpoint.host}${endpoint.pathname}simple/`;
  const { JobRunId } = await glue.send(
    new StartJobRunCommand({
      JobName: jobName,
      Arguments: { ...job?.DefaultArguments, '--python-modules-installer-option': `--index-url=${indexUrl}` },
    }),
  );
  return { jobName, jobRunId: JobRunId };
};
