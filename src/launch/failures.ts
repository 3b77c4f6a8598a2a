import { describeCause, isLauncherError, LauncherError } from '../errors';
import { isServiceFailure, type ServiceFailure } from '../ports';

/** The service's own words for a failure (`Name: message`), or whatever else was thrown. */
export const detailOf = (error: unknown): string => (isServiceFailure(error) ? error.detail : describeCause(error));

const notFound = (jobName: string, error: unknown) =>
  new LauncherError('JobNotFound', `Job ${jobName} was not started: Glue has no such job (${detailOf(error)}).`);

/** A failed GetJob or GetJobRuns, for the job it was about: nothing is started for that job. */
export const lookupFailure = (jobName: string, error: unknown): LauncherError => {
  if (isLauncherError(error)) return error;
  if (!isServiceFailure(error)) return unexpected(jobName, error);
  if (error.kind === 'not-found') return notFound(jobName, error);
  const because = error.operation === 'GetJobRuns' ? ', so an earlier start of this launch could not be ruled out' : '';
  return new LauncherError(
    'StartJobRunFailed',
    `Job ${jobName} was not started: ${error.operation} failed with ${error.detail}${because}.`,
  );
};

/** A StartJobRun that Glue refused for good. */
export const refusedStart = (jobName: string, failure: ServiceFailure): LauncherError => {
  if (failure.kind === 'not-found') return notFound(jobName, failure);
  if (failure.kind === 'busy') {
    return new LauncherError(
      'ConcurrentRunsExceeded',
      `Job ${jobName} was not started: it already has as many runs as its MaxConcurrentRuns allows (${failure.detail}).`,
    );
  }
  return new LauncherError(
    'StartJobRunFailed',
    `Job ${jobName} was not started: StartJobRun failed with ${failure.detail}.`,
  );
};

/** Anything else (a bug, not a service's answer) still leaves as a named error. */
export const unexpected = (jobName: string, error: unknown): LauncherError =>
  isLauncherError(error)
    ? error
    : new LauncherError('StartJobRunFailed', `Job ${jobName} was not started: ${describeCause(error)}.`);
