import { createHash } from 'node:crypto';
import type { RequirementsContent } from './requirements';

/**
 * Requirements-file delivery (docs/adr/0011-requirements-file-delivery.md): the token goes into a short-lived S3
 * object that pip reads, not into the run's arguments. Glue 5.0 and later install `--additional-python-modules`
 * from an S3 requirements file when the installer option is `-r`, and pip reads `--index-url` lines inside a
 * requirements file.
 */
export type TokenDeliveryMode = 'arguments' | 'requirements-file' | 'auto';
/** Where one run's token went: in its arguments, in a requirements file, or in its job's standing file. */
export type TokenDelivery = 'arguments' | 'requirements-file' | 'standing-file';

export interface RequirementsLocation {
  readonly bucket: string;
  /** Segments of `[A-Za-z0-9._-]`, each ending with `/` (none `.` or `..`), or empty. */
  readonly prefix: string;
}

/** `TOKEN_DELIVERY` as configured: a delivery that writes files always knows where (src/input/config.ts). */
export type Delivery =
  | { readonly mode: 'arguments' }
  | { readonly mode: 'requirements-file' | 'auto'; readonly location: RequirementsLocation };

/** What a run's requirements file is made of, known before the token exists. */
export interface FilePlan {
  readonly location: RequirementsLocation;
  /** The options and requirements it holds, written after the launcher's index line (pip/requirements.ts). */
  readonly content: RequirementsContent;
  /** Output-only options of the job's installer option, left out: they change nothing pip installs. */
  readonly dropped: readonly string[];
}

/** The run's installer option in this delivery: exactly `-r`, the only form AWS documents. */
export const FILE_INSTALLER_OPTION = '-r';

/** A wheel in S3, which Glue installs itself (Spark jobs, arguments delivery). */
export const S3_WHEEL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9._/+=-]+\.whl$/;
/** A job's own requirements file in S3 (Glue 5's `-r`). */
export const S3_FILE = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9._/+=-]+$/;

const PLAIN_SEGMENT = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * A job name as one key segment that needs no percent-encoding and cannot climb out of the prefix: the name itself
 * when it is made of `[A-Za-z0-9._-]` and is not `.` or `..`, else a slug of those characters and a short hash of
 * the name (two names never share a segment). Whether Glue decodes `%` in an S3 URI is undocumented; a key without
 * `%` makes the question moot.
 */
export function keySegment(jobName: string): string {
  if (PLAIN_SEGMENT.test(jobName) && jobName !== '.' && jobName !== '..') return jobName;
  const slug = jobName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60);
  const hash = createHash('sha256').update(jobName).digest('hex').slice(0, 12);
  return `${slug}-${hash}`;
}

/** Where one launch's file goes: `<prefix><job>/<date>/<launch id>.txt`. */
export function requirementsFileKey(location: RequirementsLocation, jobName: string, now: Date, launchId: string) {
  return `${location.prefix}${keySegment(jobName)}/${now.toISOString().slice(0, 10)}/${launchId}.txt`;
}
