/** The SDK alone for a deployment with requirements files: bench/sdk-only.ts and the S3 client, made as the launcher makes it. */
import { S3Client } from '@aws-sdk/client-s3';
import { BOUNDED } from '../src/aws/bounds';

export { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
export * from './sdk-only';
export const s3Client = new S3Client(BOUNDED);
