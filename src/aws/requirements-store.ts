import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RequirementsStore, StoredBytes } from '../ports';
import { BOUNDED, READ_DEADLINE_MS } from './bounds';
import { incomplete, translated } from './failure';

/**
 * In the handler bundles of deployments that read or write requirements files (src/handler-s3.ts), and a bundle of
 * its own that any other loads when it first needs S3: the S3 client is a large part of the SDK, and a deployment
 * that never reads or writes a file should not load it at every cold start
 * (docs/adr/0015-a-handler-bundle-per-deployment.md). Created once, at this module's scope, like the other clients.
 */
export const s3Client = new S3Client(BOUNDED);

function parts(uri: string) {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`${uri} is not an s3://bucket/key URI`);
  return { Bucket: match[1] as string, Key: match[2] as string };
}

type Body = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };

function timedOut(ms: number) {
  return Object.assign(new Error(`the read took more than ${ms} ms`), { name: 'TimeoutError' });
}

/** S3's PutObject and GetObject, for requirements files. */
export class S3RequirementsStore implements RequirementsStore {
  constructor(
    private readonly client: S3Client = s3Client,
    /** The most one read may take, body included (aws/bounds.ts). */
    private readonly readDeadlineMs = READ_DEADLINE_MS,
  ) {}

  async write(bucket: string, key: string, body: string, metadata?: Readonly<Record<string, string>>): Promise<void> {
    await translated('PutObject', () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain; charset=utf-8',
          CacheControl: 'no-store',
          ...(metadata === undefined ? {} : { Metadata: { ...metadata } }),
        }),
      ),
    );
  }

  async metadata(bucket: string, key: string): Promise<Readonly<Record<string, string>>> {
    const { Metadata } = await translated('HeadObject', () =>
      this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    );
    return Metadata ?? {};
  }

  /** One deadline for the whole read, body included; no more than `maxBytes` held in memory. */
  async read(uri: string, maxBytes: number): Promise<StoredBytes> {
    const deadline = AbortSignal.timeout(this.readDeadlineMs);
    return translated('GetObject', async () => {
      const { Body, ContentLength } = await this.client.send(new GetObjectCommand(parts(uri)), {
        abortSignal: deadline,
      });
      const body = Body as Body | undefined;
      if (body === undefined) throw incomplete('GetObject', 'body');
      if (ContentLength !== undefined && ContentLength > maxBytes) {
        body.destroy?.();
        return { tooLarge: true };
      }
      const stop = () => body.destroy?.(timedOut(this.readDeadlineMs));
      deadline.addEventListener('abort', stop, { once: true });
      try {
        const chunks: Uint8Array[] = [];
        let size = 0;
        for await (const chunk of body) {
          size += chunk.length;
          if (size > maxBytes) {
            body.destroy?.();
            return { tooLarge: true };
          }
          chunks.push(chunk);
        }
        if (deadline.aborted) throw timedOut(this.readDeadlineMs);
        return { bytes: new Uint8Array(Buffer.concat(chunks)) };
      } finally {
        deadline.removeEventListener('abort', stop);
      }
    });
  }
}
