import { z } from 'zod';
import type { S3BlobConfig } from './adapters/blob-s3.js';

/**
 * Where shared files' bytes live (the BlobStore port): the local disk under DATA_DIR/files (one
 * node), or an S3-compatible bucket that every node shares (AWS S3, MinIO, Ceph RGW).
 */
export const BlobsEnv = {
  /** disk (default): files under DATA_DIR/files, for one node; s3: the bucket below, for many. */
  BLOB_STORE: z.enum(['disk', 's3']).default('disk'),
  /** The S3 API's base URL, `https://minio.internal:9000`. Unset: AWS's own endpoint for S3_REGION. */
  S3_ENDPOINT: z.string().url().optional(),
  /** The bucket's region; most self-hosted stores accept any. Default us-east-1. */
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** The bucket (it must exist, and be private). Required with BLOB_STORE=s3. */
  S3_BUCKET: z.string().optional(),
  /** Access key id of a user that may Put, Get and Delete objects in the bucket. Required with s3. */
  S3_ACCESS_KEY_ID: z.string().optional(),
  /** Its secret (never logged). Required with s3; in production at least 16 characters, never `minioadmin`. */
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /**
   * true: path-style URLs (`endpoint/bucket/key`), as MinIO and most self-hosted stores want; false:
   * `bucket.endpoint/key`, as AWS wants. Default: true with S3_ENDPOINT, false without (AWS).
   */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
};

export type BlobsConfig = { kind: 'disk' } | { kind: 's3'; s3: S3BlobConfig };

interface BlobsEnvValues {
  BLOB_STORE: 'disk' | 's3';
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_BUCKET?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE?: 'true' | 'false' | undefined;
}

/** S3 bucket names (the rules every S3-compatible store shares): 3-63 of a-z 0-9 . - */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MIN_S3_SECRET_LENGTH = 16;

/** Throws a message naming the variable, never a credential's value. */
export function parseBlobs(e: BlobsEnvValues, production: boolean, fail: (message: string) => Error): BlobsConfig {
  if (e.BLOB_STORE === 'disk') {
    const stray = (['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).find(
      (name) => e[name] !== undefined,
    );
    if (stray) throw fail(`${stray}: set BLOB_STORE=s3 to use it (BLOB_STORE is disk)`);
    return { kind: 'disk' };
  }
  const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter(
    (name) => e[name] === undefined || e[name] === '',
  );
  if (missing.length > 0) throw fail(`${missing.join(', ')}: required with BLOB_STORE=s3`);
  const bucket = e.S3_BUCKET!;
  const secret = e.S3_SECRET_ACCESS_KEY!;
  if (!BUCKET.test(bucket)) throw fail(`S3_BUCKET: "${bucket}" is not a bucket name (3-63 of a-z 0-9 . -)`);
  if (e.S3_ENDPOINT !== undefined) {
    const url = new URL(e.S3_ENDPOINT);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('S3_ENDPOINT: must be http(s)://');
    if (url.username !== '' || url.password !== '') {
      throw fail('S3_ENDPOINT: must not carry credentials; use S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
    }
  }
  if (production && (secret.length < MIN_S3_SECRET_LENGTH || secret === 'minioadmin')) {
    throw fail(
      `S3_SECRET_ACCESS_KEY: in production at least ${MIN_S3_SECRET_LENGTH} characters and not a default ` +
        '(create a user for Parley with its own generated key)',
    );
  }
  return {
    kind: 's3',
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      bucket,
      accessKeyId: e.S3_ACCESS_KEY_ID!,
      secretAccessKey: secret,
      forcePathStyle: (e.S3_FORCE_PATH_STYLE ?? (e.S3_ENDPOINT === undefined ? 'false' : 'true')) === 'true',
    },
  };
}

/**
 * A warning for the log at startup, or undefined. Several nodes (REDIS_URL) on the local disk:
 * a file uploaded through one node is missing on the others, unless DATA_DIR/files is one shared
 * volume. Not refused, because such a volume (NFS, a cluster file system) is a valid setup.
 */
export function blobsWarning(blobs: BlobsConfig, manyNodes: boolean): string | undefined {
  if (blobs.kind !== 'disk' || !manyNodes) return undefined;
  return (
    'BLOB_STORE=disk with REDIS_URL: files live on each node’s own disk, so a file uploaded through one ' +
    'node is missing on the others unless DATA_DIR/files is a volume they all share; set BLOB_STORE=s3'
  );
}
