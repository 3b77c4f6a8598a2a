import { describeCause } from '../errors';
import { type FailureKind, ServiceFailure } from '../ports';

type SdkError = {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
};

// Glue's, CodeArtifact's and S3's names for "there is no such thing".
const NOT_FOUND: ReadonlySet<string> = new Set([
  'EntityNotFoundException',
  'ResourceNotFoundException',
  'NoSuchKey',
  'NoSuchBucket',
]);
// Thrown before a request is sent (no credentials), or answered when AWS does not accept the ones sent.
const CREDENTIALS: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationTokenException',
  'IncompleteSignature',
]);
// The SDK's own timeout (no status), a deadline's abort, and Glue's answer that the operation itself timed out.
const TIMEOUTS: ReadonlySet<string> = new Set(['TimeoutError', 'AbortError', 'OperationTimeoutException']);
// What Node's sockets raise when a connection fails or is cut (the SDK's own list of transient network errors, and
// the DNS ones): the request may have been sent, or half-sent.
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * What an SDK error says happened, read from its name, code and HTTP status. Names are compared, not classes: a
 * bundle may hold more than one copy of the SDK's exception classes. An error with no HTTP status that is neither a
 * timeout nor a network error was raised before anything was sent (a serializer, a missing region, a bug): it is
 * `local`, and it would fail the same way again.
 */
export function failureKind(error: unknown): FailureKind {
  const { name = '', code = '', $metadata, $retryable } = (error ?? {}) as SdkError;
  const status = $metadata?.httpStatusCode;
  if (name === 'ThrottlingException' || $retryable?.throttling || status === 429) return 'throttled';
  if (NOT_FOUND.has(name)) return 'not-found';
  if (name === 'ConcurrentRunsExceededException') return 'busy';
  if (CREDENTIALS.has(name)) return 'credentials';
  if (name === 'AccessDeniedException' || status === 403) return 'denied';
  if (TIMEOUTS.has(name)) return 'no-answer';
  if (status === undefined) return NETWORK_CODES.has(code) ? 'no-answer' : 'local';
  if (status >= 500) return 'server-error';
  if (status < 300) return 'unreadable';
  return 'refused';
}

// The SDK's advice to developers, appended to a body it could not parse: not for the people reading the error.
const SDK_ADVICE = /\s*Deserialization error: to see the raw response.*$/s;

/**
 * The error codes whose messages never repeat what the request carried (its arguments, and with them a token):
 * access denied, not found, throttling, concurrency limits, credentials. Every other service answer
 * (InvalidInputException, ValidationException, 5xx, a code the launcher does not know) is told by its code and HTTP
 * status alone (docs/adr/0008-the-launcher-as-a-privilege-boundary.md); scrubbing stays as the second line.
 */
const QUOTABLE: ReadonlySet<string> = new Set([
  ...NOT_FOUND,
  ...CREDENTIALS,
  'AccessDeniedException',
  'AccessDenied',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'SlowDown',
  'ConcurrentRunsExceededException',
]);

/** What the launcher may repeat of a failure: the service's words where they cannot echo the request. */
function describeFailure(error: unknown, kind: FailureKind): string {
  const { name = 'Error', message = '', $metadata } = (error ?? {}) as SdkError & { message?: string };
  const status = $metadata?.httpStatusCode;
  if (kind === 'unreadable') {
    // Node's own words for a cut body ("aborted") are kept; a parser's message may quote the body: not kept.
    const why = message.replace(SDK_ADVICE, '').trim();
    return `a success answer that could not be read (${/^[a-z][a-z ]{0,39}$/.test(why) ? why : name})`;
  }
  if (kind === 'credentials') {
    return status === undefined
      ? `no AWS credentials were found (${name}); in Lambda they come from the function's role, elsewhere set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`
      : `AWS refused the credentials sent (${name}, HTTP ${status}): they are invalid or expired; renew them (aws sso login, or new AWS_* variables)`;
  }
  // No status: the SDK's timeout, a network error or a local failure, in this process's own words.
  if (status === undefined || QUOTABLE.has(name)) return describeCause(error);
  return `${name} (HTTP ${status})`;
}

/** Runs one SDK call; whatever it throws leaves as a `ServiceFailure` for this operation. */
export async function translated<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ServiceFailure) throw error;
    const kind = failureKind(error);
    throw new ServiceFailure(operation, kind, describeFailure(error, kind));
  }
}

/** An answer the SDK accepted but that lacks what the operation promises. */
export function incomplete(operation: string, what: string): ServiceFailure {
  return new ServiceFailure(operation, 'unreadable', `${operation} returned no ${what}`);
}
