/**
 * bench/frameworks.ts with the lock's: the DynamoDB client and Powertools' Idempotency utility over it (with its
 * JMESPath engine), its persistence layer configured as src/aws/lock.ts configures it.
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoClient } from './sdk-only-lock';

export * from './frameworks';
export * from './sdk-only-lock';

export const persistence = new DynamoDBPersistenceLayer({ tableName: 'bench-locks', awsSdkV3Client: dynamoClient });
persistence.configure({
  config: new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'digest',
    expiresAfterSeconds: 25 * 60 * 60,
    throwOnNoIdempotencyKey: true,
    useLocalCache: false,
  }),
  keyPrefix: 'glue-launcher',
});
