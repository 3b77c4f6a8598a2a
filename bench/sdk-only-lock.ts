/**
 * The SDK alone for a deployment with the lock: bench/sdk-only.ts and the DynamoDB client, made as the launcher makes
 * it, with the commands Powertools' persistence layer sends.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BOUNDED } from '../src/aws/bounds';

export { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
export * from './sdk-only';
export const dynamoClient = new DynamoDBClient(BOUNDED);
