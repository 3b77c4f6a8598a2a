import { S3RequirementsStore } from './aws/requirements-store';
import { createContainer } from './container';

/** The entry point of a deployment that reads or writes requirements files: Glue, CodeArtifact and S3. */
export const handler = createContainer(process.env, { requirementsStore: new S3RequirementsStore() });
