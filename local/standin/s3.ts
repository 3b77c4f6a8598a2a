import { createHash } from 'node:crypto';
import { ServiceError } from './errors';

/** The conditional headers S3 honours on these calls. */
export interface Conditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
}

const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

/** One stored object. */
export interface S3Object {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly lastModified: Date;
  /** The KMS key an SSE-KMS object is encrypted with (a test puts one so, as a team's bucket default would). */
  readonly kmsKeyId?: string;
  /** User metadata (`x-amz-meta-*`), names lowercased as S3 keeps them. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * S3's PutObject and GetObject, path-style (`/<bucket>/<key>`), as the SDK sends them to an endpoint that is an IP
 * address: enough for requirements files. Errors come as S3 sends them: a status and an XML `<Error>`.
 */
export class S3 {
  private readonly buckets = new Map<string, Map<string, S3Object>>();
  /**
   * Whether the caller's role lacks kms:Decrypt on the keys of SSE-KMS objects: S3 then refuses GetObject with 403
   * AccessDenied, naming kms:Decrypt (S3's "Troubleshoot access denied (403 Forbidden) errors", SSE-KMS).
   */
  kmsDecryptDenied = false;

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  private bucket(name: string): Map<string, S3Object> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404);
    return bucket;
  }

  /** PutObject; `If-None-Match: *` (a conditional write) refuses to replace an object that exists. */
  put(
    bucket: string,
    key: string,
    body: Buffer,
    contentType: string | undefined,
    conditions: Conditions = {},
    kmsKeyId?: string,
    metadata?: Readonly<Record<string, string>>,
  ): { ETag: string } {
    const objects = this.bucket(bucket);
    if (conditions.ifNoneMatch === '*' && objects.has(key)) {
      throw new ServiceError(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
      );
    }
    objects.set(key, {
      body,
      contentType,
      lastModified: new Date(),
      ...(kmsKeyId ? { kmsKeyId } : {}),
      ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
    });
    return { ETag: etagOf(body) };
  }

  /**
   * GetObject as the launcher's role sees it: it may read the objects (s3:GetObject) but not list the bucket (the
   * template grants no s3:ListBucket), so S3 answers a key that is not there with 403 AccessDenied, not 404
   * NoSuchKey (S3 API reference, GetObject: "If you don't have the s3:ListBucket permission, Amazon S3 returns an
   * HTTP status code 403 Access Denied error").
   */
  get(bucket: string, key: string, conditions: Conditions = {}): S3Object {
    const object = this.bucket(bucket).get(key);
    if (!object) throw new ServiceError('AccessDenied', 'Access Denied', 403);
    if (object.kmsKeyId !== undefined && this.kmsDecryptDenied) {
      throw new ServiceError(
        'AccessDenied',
        `User is not authorized to perform: kms:Decrypt on resource: ${object.kmsKeyId} because no identity-based policy allows the kms:Decrypt action`,
        403,
      );
    }
    const etag = etagOf(object.body);
    if (conditions.ifMatch !== undefined && conditions.ifMatch !== etag && conditions.ifMatch !== '*') {
      throw new ServiceError(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
      );
    }
    return object;
  }

  /** An object by its `s3://bucket/key` URI, or undefined: what a Glue run downloads. */
  byUri(uri: string): S3Object | undefined {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    return match ? this.buckets.get(match[1] as string)?.get(match[2] as string) : undefined;
  }

  /** Every object's key under a bucket, for tests. */
  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])];
  }
}

/**
 * The body as sent, decoding the SDK's `aws-chunked` framing (`<hex size>[;...]\r\n<data>\r\n`, ended by a zero-size
 * chunk and trailers) when it used it.
 */
export const decodedBody = (raw: Buffer, contentEncoding: string | undefined): Buffer => {
  if (!contentEncoding?.includes('aws-chunked')) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0] as string, 16);
    if (!(size > 0)) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
};

export const s3ErrorXml = (error: ServiceError, resource: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.type}</Code><Message>${error.message}</Message><Resource>${resource}</Resource><RequestId>standin</RequestId></Error>`;
