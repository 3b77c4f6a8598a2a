import { createHash } from 'node:crypto';
import type { PipIndexOption } from './options';

/**
 * Requirements-file delivery (docs/adr/0011-requirements-file-delivery.md): the token goes into a short-lived S3
 * object that pip reads, not into the run's arguments. Glue 5.0 and later install `--additional-python-modules`
 * from an S3 requirements file when the installer option is `-r`, and pip reads `--index-url` lines inside a
 * requirements file.
 */
export type TokenDeliverySetting = 'arguments' | 'requirements-file' | 'auto';
/** Where one run's token went: in its arguments, or in a requirements file. */
export type TokenDelivery = 'arguments' | 'requirements-file';

export interface RequirementsLocation {
  readonly bucket: string;
  /** Segments of `[A-Za-z0-9._-]`, each ending with `/` (none `.` or `..`), or empty. */
  readonly prefix: string;
}

/** `TOKEN_DELIVERY` as configured: a delivery that writes files always knows where (src/input/config.ts). */
export type DeliverySetting =
  | { readonly mode: 'arguments' }
  | { readonly mode: 'requirements-file' | 'auto'; readonly location: RequirementsLocation };

/** What a run's requirements file is made of, known before the token exists. */
export interface FilePlan {
  readonly location: RequirementsLocation;
  /** Allowlisted options pip accepts in a file (from the installer option), one per line. */
  readonly options: readonly string[];
  /** The modules, one per line, in their order. */
  readonly requirements: readonly string[];
  /** The lines of the job's own requirements file, its index lines dropped. */
  readonly ownLines: readonly string[];
}

/** The run's installer option in this delivery: exactly `-r`, the only form AWS documents. */
export const FILE_INSTALLER_OPTION = '-r';

/** The file pip reads: the launcher's index line first, the options, the modules, then the job's own lines. */
export const requirementsFileBody = (plan: FilePlan, option: PipIndexOption, url: string): string =>
  `${[`--${option} ${url}`, ...plan.options, ...plan.requirements, ...plan.ownLines].join('\n')}\n`;

const PLAIN_SEGMENT = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * A job name as one key segment that needs no percent-encoding and cannot climb out of the prefix: the name itself
 * when it is made of `[A-Za-z0-9._-]` and is not `.` or `..`, else a slug of those characters and a short hash of
 * the name (two names never share a segment). Whether Glue decodes `%` in an S3 URI is undocumented; a key without
 * `%` makes the question moot.
 */
export const keySegment = (jobName: string): string => {
  if (PLAIN_SEGMENT.test(jobName) && jobName !== '.' && jobName !== '..') return jobName;
  const slug = jobName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60);
  const hash = createHash('sha256').update(jobName).digest('hex').slice(0, 12);
  return `${slug}-${hash}`;
};

/** Where one launch's file goes: `<prefix><job>/<date>/<launch id>.txt`. */
export const requirementsFileKey = (location: RequirementsLocation, jobName: string, now: Date, launchId: string) =>
  `${location.prefix}${keySegment(jobName)}/${now.toISOString().slice(0, 10)}/${launchId}.txt`;
