/**
 * Where the stand-in and moto's server differ, and what AWS documents: test/integration/parity.test.ts holds each row
 * (if moto changes, or the stand-in does, it says so) and docs/standin.md shows the table.
 */
export const KNOWN: Record<string, { standIn: string; moto: string; aws: string }> = {
  'GetJob of a job created without GlueVersion or Timeout': {
    standIn: 'GlueVersion 5.1 Timeout 480',
    moto: 'GlueVersion undefined Timeout undefined',
    aws: 'botocore Glue model, Job.GlueVersion: created without one defaults to 5.1; Job.Timeout: 480 for 5.0 and later',
  },
  'StartJobRun with an unknown SecurityConfiguration': {
    standIn: 'error EntityNotFoundException',
    moto: 'ok',
    aws: 'StartJobRun lists EntityNotFoundException; a run cannot use a configuration that does not exist',
  },
  'StartJobRun with an unknown WorkerType': {
    standIn: 'error InvalidInputException',
    moto: 'ok',
    aws: 'botocore Glue model: WorkerType is an enum',
  },
  'StartJobRun with NumberOfWorkers alone': {
    standIn: 'error InvalidInputException',
    moto: 'ok',
    aws: 'StartJobRun, MaxCapacity: "you should specify a Worker type and the Number of workers"',
  },
  'StartJobRun with MaxCapacity beside a WorkerType': {
    standIn: 'error InvalidInputException',
    moto: 'ok',
    aws: 'StartJobRun, MaxCapacity: "Do not set MaxCapacity if using WorkerType and NumberOfWorkers"',
  },
  'StartJobRun with a Timeout of 10080': {
    standIn: 'error InvalidInputException',
    moto: 'ok',
    aws: 'Job.Timeout: "Jobs must have timeout values less than 7 days or 10080 minutes"',
  },
  'GetJobRuns with a NextToken it did not issue': {
    standIn: 'error InvalidInputException',
    moto: 'error InvalidToken',
    aws: 'botocore Glue model: GetJobRuns raises InvalidInputException (InvalidToken is not among its errors)',
  },
  'GetJobRuns: the run started last comes first': {
    standIn: 'newest first',
    moto: 'oldest first',
    aws: 'the Glue console and GetJobRuns list a job’s runs newest first (the launcher pages back from the newest)',
  },
  'S3 GetObject of a key that is not there': {
    standIn: 'error AccessDenied',
    moto: 'error NoSuchKey',
    aws: 'S3 GetObject: without s3:ListBucket (the launcher has none), a missing key is 403 Access Denied',
  },
};
