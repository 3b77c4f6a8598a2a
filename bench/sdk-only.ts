/**
 * The SDK alone, as the launcher uses it: the same clients, constructed at module scope with the same settings, and
 * the same commands. Bundled with the launcher's options, it is the floor of the launcher's cold import: what is
 * over it is the launcher's own code.
 */
export {
  GetAuthorizationTokenCommand,
  GetRepositoryEndpointCommand,
} from '@aws-sdk/client-codeartifact';
export { GetJobCommand, GetJobRunsCommand, StartJobRunCommand } from '@aws-sdk/client-glue';
export { codeartifactClient, glueClient, glueStartClient } from '../src/aws/clients';
