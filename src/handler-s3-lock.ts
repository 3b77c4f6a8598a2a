import { DynamoLaunchLock } from './aws/lock';
import { S3RequirementsStore } from './aws/requirements-store';
import { createContainer } from './container';

/** The entry point of a deployment with requirements files and the atomic lock: all four SDK clients. */
export const handler = createContainer(process.env, {
  requirementsStore: new S3RequirementsStore(),
  lock: (table) => new DynamoLaunchLock(table),
});
