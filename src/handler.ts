import { createContainer } from './container';

/**
 * The Lambda entry point of a deployment that needs only Glue and CodeArtifact: configuration and clients are set
 * up once, when the container starts. template.yaml's Handler picks this file or one of its siblings, each holding
 * the SDK clients its deployment uses and one SDK core (docs/adr/0015-a-handler-bundle-per-deployment.md).
 */
export const handler = createContainer(process.env);
