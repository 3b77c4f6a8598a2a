/**
 * Every failure a caller can see has one of these names: Lambda reports it as `errorType`, and Step Functions
 * `Retry`/`Catch` and Airflow match on it. The list is closed (docs/adr/0006-one-closed-set-of-error-names.md).
 */
export const ERROR_NAMES = [
  'ConfigError',
  'InvalidRequest',
  'JobNotAllowed',
  'ArgumentNotAllowed',
  'JobNotFound',
  'InstallerOptionConflict',
  'UnsupportedJobType',
  'TokenUnavailable',
  'ConcurrentRunsExceeded',
  'IdempotencyConflict',
  'StartJobRunFailed',
  'OutOfTime',
] as const;

export type LauncherErrorName = (typeof ERROR_NAMES)[number];

/** A failure with a name from the closed list and a one-sentence message that names the job and the cause. */
export class LauncherError extends Error {
  constructor(
    override readonly name: LauncherErrorName,
    message: string,
  ) {
    super(message);
  }
}

export const isLauncherError = (error: unknown): error is LauncherError => error instanceof LauncherError;

/** `name: message` of whatever was thrown, on one line: messages repeat it, and a message is one sentence. */
export const describeCause = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').trim();
};
