/**
 * The error names of the contract (DESIGN.md, "Results and errors"). Step Functions `Retry`/`Catch` and
 * Lambda's `errorType` match on `name`, so each class pins its own and the set is closed.
 */
export const ERROR_NAMES = [
  'ConfigError',
  'InvalidRequest',
  'JobNotAllowed',
  'JobNotFound',
  'InstallerOptionConflict',
  'UnsupportedJobType',
  'TokenUnavailable',
  'ConcurrentRunsExceeded',
  'StartJobRunFailed',
  'OutOfTime',
] as const;

export type LauncherErrorName = (typeof ERROR_NAMES)[number];

export abstract class LauncherError extends Error {
  abstract override readonly name: LauncherErrorName;
}

export class ConfigError extends LauncherError {
  override readonly name = 'ConfigError';
}
export class InvalidRequest extends LauncherError {
  override readonly name = 'InvalidRequest';
}
export class JobNotAllowed extends LauncherError {
  override readonly name = 'JobNotAllowed';
}
export class JobNotFound extends LauncherError {
  override readonly name = 'JobNotFound';
}
export class InstallerOptionConflict extends LauncherError {
  override readonly name = 'InstallerOptionConflict';
}
export class UnsupportedJobType extends LauncherError {
  override readonly name = 'UnsupportedJobType';
}
export class TokenUnavailable extends LauncherError {
  override readonly name = 'TokenUnavailable';
}
export class ConcurrentRunsExceeded extends LauncherError {
  override readonly name = 'ConcurrentRunsExceeded';
}
export class StartJobRunFailed extends LauncherError {
  override readonly name = 'StartJobRunFailed';
}
export class OutOfTime extends LauncherError {
  override readonly name = 'OutOfTime';
}

export const isLauncherError = (error: unknown): error is LauncherError => error instanceof LauncherError;

/** `name: message` of whatever an SDK call threw, for messages that must name the service's own error. */
export const describeCause = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};

const CLASSES: Record<LauncherErrorName, new (message: string) => LauncherError> = {
  ConfigError,
  InvalidRequest,
  JobNotAllowed,
  JobNotFound,
  InstallerOptionConflict,
  UnsupportedJobType,
  TokenUnavailable,
  ConcurrentRunsExceeded,
  StartJobRunFailed,
  OutOfTime,
};

export const namedError = (name: LauncherErrorName, message: string): LauncherError => new CLASSES[name](message);
