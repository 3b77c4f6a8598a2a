/** bench/frameworks-lock.ts for a deployment with requirements files and the lock: the same over all four clients. */
export * from './frameworks-lock';
export * from './sdk-only-s3-lock';
