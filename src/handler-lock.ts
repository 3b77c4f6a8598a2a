import { DynamoLaunchLock } from './aws/lock';
import { createContainer } from './container';

/** The entry point of a deployment with the atomic lock (IDEMPOTENCY_TABLE): Glue, CodeArtifact and DynamoDB. */
export const handler = createContainer(process.env, { lock: (table) => new DynamoLaunchLock(table) });
