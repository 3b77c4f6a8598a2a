/** The SDK alone for a deployment with requirements files and the lock: all four clients, made as the launcher makes them. */
export * from './sdk-only-lock';
export * from './sdk-only-s3';
