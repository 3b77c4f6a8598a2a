import { createHash } from 'node:crypto';
import type { Settled } from '../concurrency';
import {
  argumentNotAllowed,
  installerOptionConflict,
  ownFileTooLarge,
  ownFileUnreadable,
  unsupportedJobType,
} from '../errors';
import type { Arguments } from '../plan';
import { failureDetail, type StoredBytes } from '../ports';
import { type JobCommand, jobType } from './job-type';
import type { PipIndexOption } from './options';
import { checkLaunchArguments, checkOwnFile, INSTALLER_OPTION, MODULES_OPTION, type OwnFileReader } from './placement';
import { MAX_REQUIREMENTS_FILE_BYTES, type RequirementsContent, writeRequirementsFile } from './requirements';
import { FILE_INSTALLER_OPTION, keySegment, type RequirementsLocation, S3_FILE } from './requirements-file';

/**
 * A standing requirements file (docs/adr/0021-standing-requirements-files.md): one S3 object per job, at a URI that
 * never changes, rewritten with a fresh token on a schedule, so that every run of the job finds the private index
 * however it was started (a Glue trigger, the console, Step Functions' `.sync`, Airflow). The job is set up once, in
 * the team's own infrastructure code, to read it; the launcher never changes a job. Both use cases read this: the
 * refresher writes the files, a launch of a standing job relies on them.
 */

/** The job argument that names a standing job's source: the team's own requirements file, read from DefaultArguments. */
export const SOURCE_OPTION = '--launcher-requirements';

/** Where standing files go (`STANDING_PREFIX` in REQUIREMENTS_BUCKET), and which jobs have one. */
export interface StandingFiles {
  readonly jobNames: ReadonlySet<string>;
  readonly location: RequirementsLocation;
}

/** A standing file's object: its bucket and key, and the URI a job's DefaultArguments name it by. */
export interface StandingObject {
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
}

/** `s3://<bucket>/<prefix><job>/requirements.txt`: the job's segment as in per-launch files (no `%`, no `..`). */
export function standingObject(location: RequirementsLocation, jobName: string): StandingObject {
  const key = `${location.prefix}${keySegment(jobName)}/requirements.txt`;
  return { bucket: location.bucket, key, uri: `s3://${location.bucket}/${key}` };
}

/** What checking a standing job's definition gives: its standing file and its source. */
export interface StandingJob {
  readonly file: StandingObject;
  /** The S3 URI of the team's own requirements file (`--launcher-requirements`). */
  readonly source: string;
}

/** What a standing job's definition must say, from the launcher's point of view. */
export interface StandingJobDefinition extends JobCommand {
  readonly defaultArguments: Arguments;
  readonly nonOverridableArguments: Arguments;
}

/** The three DefaultArguments that set a job up for its standing file, as a user writes them. */
export function standingArgumentsText(file: StandingObject, source = 's3://<bucket>/<key of your requirements.txt>') {
  return `${MODULES_OPTION}=${file.uri}, ${INSTALLER_OPTION}=${FILE_INSTALLER_OPTION} and ${SOURCE_OPTION}=${source}`;
}

/**
 * A standing job's definition checked, drift reported, never repaired: a Glue 5.0 or later Spark job whose
 * DefaultArguments point at its standing file with exactly `-r` and name its source, with none of the three in
 * NonOverridableArguments (where a request's run could not be told apart from the job's). `UnsupportedJobType` for
 * a job that cannot read a requirements file, `InstallerOptionConflict` for arguments that do not point at it; each
 * message says the DefaultArguments to set.
 */
export function checkStandingJob(job: StandingJobDefinition, location: RequirementsLocation): StandingJob {
  const file = standingObject(location, job.name);
  if (jobType(job) !== 'spark') {
    throw unsupportedJobType(
      job.name,
      'it is a Python shell job, which reads no requirements file from S3; serve it through the launcher instead, and remove it from STANDING_JOB_NAMES (template parameter StandingJobNames)',
    );
  }
  if (!(Number.parseFloat(job.glueVersion ?? '') >= 5)) {
    throw unsupportedJobType(
      job.name,
      `it runs Glue ${job.glueVersion ?? '(unset)'}, and only Glue 5.0 and later read a requirements file from S3; move it to Glue 5.0 or later, or serve it through the launcher and remove it from STANDING_JOB_NAMES (template parameter StandingJobNames)`,
    );
  }
  const fixed = [MODULES_OPTION, INSTALLER_OPTION, SOURCE_OPTION].find((key) =>
    Object.hasOwn(job.nonOverridableArguments, key),
  );
  if (fixed !== undefined) {
    throw installerOptionConflict(
      job.name,
      `it sets ${fixed} in its NonOverridableArguments; move it to DefaultArguments, which must hold ${standingArgumentsText(file)}`,
    );
  }
  // Exact values, not trimmed: Glue hands them on as they are, and " -r" read as one argument is not -r.
  const defaults = job.defaultArguments;
  const source = defaults[SOURCE_OPTION];
  const sourceOk = S3_FILE.test(source ?? '');
  const drift =
    defaults[MODULES_OPTION] !== file.uri
      ? `its ${MODULES_OPTION} is ${describe(defaults[MODULES_OPTION])}, not its standing file`
      : defaults[INSTALLER_OPTION] !== FILE_INSTALLER_OPTION
        ? `its ${INSTALLER_OPTION} is ${describe(defaults[INSTALLER_OPTION])}, not exactly ${FILE_INSTALLER_OPTION} (the only form AWS documents for a requirements file)`
        : !sourceOk
          ? `its ${SOURCE_OPTION}, the S3 URI of the requirements file its standing file is written from, is ${describe(source)}`
          : source === file.uri
            ? `its ${SOURCE_OPTION} names its standing file itself, which the launcher writes; name the team's own requirements file`
            : undefined;
  if (drift !== undefined) {
    throw installerOptionConflict(
      job.name,
      `${drift}; set its DefaultArguments to ${standingArgumentsText(file, sourceOk ? source : undefined)}`,
    );
  }
  return { file, source: source as string };
}

function describe(value: string | undefined): string {
  if (value === undefined) return 'not set';
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}...` : value);
}

/** The object metadata a standing file carries (S3 `x-amz-meta-*`), which a launch reads instead of its text. */
export interface StandingMetadata {
  /** When the token in the file expires. */
  readonly tokenExpiresAt: Date;
  /**
   * The SHA-256 of the source's bytes the file was written from: a source changed since has another. The launcher's
   * own digest, not S3's ETag, whose meaning changes with the upload and the encryption.
   */
  readonly sourceDigest: string;
}

const EXPIRES = 'token-expires-at';
const SOURCE_DIGEST = 'source-sha256';

/** The SHA-256 of a source's bytes, in hex. */
export function sourceDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The metadata as S3 stores it: lowercase names, ASCII values (an ISO 8601 expiry, a hex digest). */
export function metadataOf(metadata: StandingMetadata): Record<string, string> {
  return { [EXPIRES]: metadata.tokenExpiresAt.toISOString(), [SOURCE_DIGEST]: metadata.sourceDigest };
}

/** The metadata read back, or undefined when it is missing or not the launcher's (an object put there by hand). */
export function readMetadata(stored: Readonly<Record<string, string>>): StandingMetadata | undefined {
  const digest = stored[SOURCE_DIGEST] ?? '';
  const tokenExpiresAt = new Date(String(stored[EXPIRES]));
  if (!/^[0-9a-f]{64}$/.test(digest) || Number.isNaN(tokenExpiresAt.getTime())) return undefined;
  return { tokenExpiresAt, sourceDigest: digest };
}

/** A standing job's source read into the model: what its file is written from, and the digest that names it. */
export interface StandingSource {
  readonly content: RequirementsContent;
  readonly sourceDigest: string;
}

/**
 * A standing job's source as S3 gave it (or did not), read into the model as a job's own file is: `TokenUnavailable`
 * when S3 would not give it, `InstallerOptionConflict` when it is too large or pip would read it two ways (the line
 * and the fix). Both use cases read a source this way.
 */
export function readSource(
  job: { readonly jobName: string; readonly source: string },
  read: Settled<StoredBytes>,
): StandingSource {
  if (!read.ok) throw ownFileUnreadable(job.jobName, job.source, failureDetail(read.error));
  if ('tooLarge' in read.value) throw ownFileTooLarge(job.jobName, job.source, MAX_REQUIREMENTS_FILE_BYTES);
  const model = checkOwnFile(job.jobName, job.source, read.value.bytes);
  return {
    content: { options: model.options, requirements: model.requirements },
    sourceDigest: sourceDigest(read.value.bytes),
  };
}

/**
 * A standing file as it is written, by the refresher or before a standing job's run: the launcher's text
 * (pip/requirements.ts, the index line first) and the metadata that says what it holds, as S3 stores it.
 */
export function standingText(
  source: StandingSource,
  index: { readonly option: PipIndexOption; readonly url: string; readonly expiresAt: Date },
): { readonly body: string; readonly metadata: Record<string, string> } {
  return {
    body: writeRequirementsFile(source.content, index.option, index.url),
    metadata: metadataOf({ tokenExpiresAt: index.expiresAt, sourceDigest: source.sourceDigest }),
  };
}

// A launch of a standing job (docs/standing-files.md): the run reads the standing file its DefaultArguments name,
// as a run started anywhere does; the launcher rewrites the file first only when its token would not outlive the
// run or its source changed since it was written. Either way the run's arguments hold no token.

/** A standing job's launch, drafted before any token: its set-up checked, the request kept off its pip arguments. */
export interface StandingDraft {
  readonly jobName: string;
  readonly standing: StandingJob;
}

export function draftStanding(
  job: StandingJobDefinition,
  requestArguments: Arguments | undefined,
  location: RequirementsLocation,
): StandingDraft {
  checkLaunchArguments(job);
  const standing = checkStandingJob(job, location);
  const key = Object.keys(requestArguments ?? {}).find((name) => name === MODULES_OPTION || name === INSTALLER_OPTION);
  if (key !== undefined) {
    throw argumentNotAllowed(
      job.name,
      `argument ${key}`,
      `the job installs from its standing file ${standing.file.uri}, written from its ${SOURCE_OPTION}; change that file, not a run's arguments`,
    );
  }
  return { jobName: job.name, standing };
}

/**
 * Where a standing job's run finds its index: its standing file, as it is (its token outlives the run, written from
 * the source as it is now), or rewritten first from the source read now.
 */
export type StandingPlacement =
  | { readonly via: 'standing-file'; readonly file: StandingObject; readonly tokenExpiresAt: Date }
  | {
      readonly via: 'standing-file';
      readonly file: StandingObject;
      readonly rewrite: { readonly source: StandingSource; readonly why: string };
    };

/** What finishing a standing launch reads: the file's metadata (HeadObject) and the source (GetObject). */
export interface StandingReads {
  readonly metadata: (file: StandingObject) => Promise<Settled<Readonly<Record<string, string>>>>;
  readonly source: OwnFileReader;
}

/**
 * The standing file's metadata and the source, read at once; the source read into the model as a job's own file is
 * (`TokenUnavailable` when S3 will not give it, `InstallerOptionConflict` for what pip would read two ways). A file
 * without the launcher's metadata (missing, unreadable, put there by hand) is rewritten.
 */
export async function finishStanding(
  draft: StandingDraft,
  reads: StandingReads,
  need: { readonly now: number; readonly seconds: number },
): Promise<StandingPlacement> {
  const { file, source } = draft.standing;
  const [stored, read] = await Promise.all([reads.metadata(file), reads.source(source)]);
  const current = readSource({ jobName: draft.jobName, source }, read);
  const metadata = stored.ok ? readMetadata(stored.value) : undefined;
  const why =
    metadata === undefined
      ? 'it has no standing file of the launcher yet'
      : metadata.sourceDigest !== current.sourceDigest
        ? 'its source changed since its standing file was written'
        : metadata.tokenExpiresAt.getTime() < need.now + need.seconds * 1000
          ? "its standing file's token would expire before the run could end"
          : undefined;
  if (why === undefined)
    return { via: 'standing-file', file, tokenExpiresAt: (metadata as StandingMetadata).tokenExpiresAt };
  return { via: 'standing-file', file, rewrite: { source: current, why } };
}
