import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RequirementsStore } from '../ports';
import { BOUNDED } from './bounds';
import { incomplete, translated } from './failure';

/**
 * Imported only when TOKEN_DELIVERY is not `arguments` (src/container.ts): the S3 client is a large part of the SDK,
 * and a deployment that never writes a file should not load it at every cold start
 * (docs/adr/0011-requirements-file-delivery.md). Created once, at this module's scope, like the other clients.
 */
export const s3Client = new S3Client(BOUNDED);

const parts = (uri: string) => {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`${uri} is not an s3://bucket/key URI`);
  return { Bucket: match[1] as string, Key: match[2] as string };
};

/** S3's PutObject and GetObject, for requirements files. */
export class S3RequirementsStore implements RequirementsStore {
  constructor(private readonly client: S3Client) {}

  async write(bucket: string, key: string, body: string): Promise<void> {
    await translated('PutObject', () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain; charset=utf-8',
          CacheControl: 'no-store',
        }),
      ),
    );
  }

  async read(uri: string): Promise<string> {
    const text = await translated('GetObject', async () => {
      const { Body } = await this.client.send(new GetObjectCommand(parts(uri)));
      return Body?.transformToString('utf-8');
    });
    if (text === undefined) throw incomplete('GetObject', 'body');
    return text;
  }
}
