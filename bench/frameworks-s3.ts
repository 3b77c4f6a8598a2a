/** bench/frameworks.ts for a deployment with requirements files: the same frameworks over the SDK clients and S3's. */
export * from './frameworks';
export * from './sdk-only-s3';
