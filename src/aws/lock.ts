import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LaunchLock, LockKey, LockOutcome, RecordedRun } from '../ports';
import { BOUNDED } from './bounds';
import { translated } from './failure';

/**
 * The optional atomic lock (IDEMPOTENCY_TABLE, docs/adr/0014-never-twice.md), over Powertools' Idempotency utility
 * and its DynamoDB persistence layer: an in-progress record per key, taken with a conditional write; the request's
 * digest as payload validation; the completed record holding the run. In the handler bundles of deployments with
 * the lock (src/handler-lock.ts), and a bundle of its own (dist/aws/lock.cjs) that any other loads when the table is
 * set (docs/adr/0015-a-handler-bundle-per-deployment.md); its client is created once, at this module's scope.
 */
export const dynamoClient = new DynamoDBClient(BOUNDED);

/** Records outlive the longest lookup horizon (24 hours) by an hour: a redelivery never outlives its record. */
export const RECORD_SECONDS = 25 * 60 * 60;

type Status = 'INPROGRESS' | 'COMPLETED' | 'EXPIRED';
type Record = Awaited<ReturnType<DynamoDBPersistenceLayer['getRecord']>>;

/** Powertools' errors, told apart by name: a test runner or a bundle may hold two copies of their classes. */
function named(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** What Powertools reads a record's id (`[job, key]`) and payload (`digest`) from. */
function dataOf({ jobName, key }: LockKey, digest: string) {
  return { job: jobName, key, digest };
}

export class DynamoLaunchLock implements LaunchLock {
  private readonly persistence: DynamoDBPersistenceLayer;

  constructor(tableName: string, client: DynamoDBClient = dynamoClient) {
    this.persistence = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
    this.persistence.configure({
      config: new IdempotencyConfig({
        // The record is the job's key (ports.ts LockKey): Powertools hashes both into its id.
        eventKeyJmesPath: '[job, key]',
        payloadValidationJmesPath: 'digest',
        expiresAfterSeconds: RECORD_SECONDS,
        throwOnNoIdempotencyKey: true,
        useLocalCache: false,
      }),
      keyPrefix: 'glue-launcher',
    });
  }

  acquire(lockKey: LockKey, digest: string, holdMs: number, again = true): Promise<LockOutcome> {
    return translated('PutItem', async () => {
      const data = dataOf(lockKey, digest);
      try {
        await this.persistence.saveInProgress(data, holdMs);
        return { kind: 'acquired' };
      } catch (error) {
        if (!named(error, 'IdempotencyItemAlreadyExistsError')) throw error;
        // DynamoDB returns the record that stood in the way; a table that does not is read again.
        const existing = (error as { existingRecord?: Record }).existingRecord;
        let record: Record;
        try {
          // Both validate the stored digest against this request's.
          record = existing ?? (await this.persistence.getRecord(data));
          this.persistence.processExistingRecord(record, data);
        } catch (invalid) {
          if (named(invalid, 'IdempotencyValidationError')) return { kind: 'conflict' };
          // Released between the write and the read: take it now, once.
          if (again && named(invalid, 'IdempotencyItemNotFoundError')) {
            return this.acquire(lockKey, digest, holdMs, false);
          }
          throw invalid;
        }
        const status = record.getStatus() as Status;
        if (status === 'COMPLETED') return { kind: 'completed', run: record.getResponse() as unknown as RecordedRun };
        return { kind: 'in-progress' };
      }
    });
  }

  async complete(lockKey: LockKey, digest: string, run: RecordedRun): Promise<void> {
    await translated('UpdateItem', () => this.persistence.saveSuccess(dataOf(lockKey, digest), { ...run }));
  }

  async release(lockKey: LockKey, digest: string): Promise<void> {
    await translated('DeleteItem', () => this.persistence.deleteRecord(dataOf(lockKey, digest)));
  }
}
