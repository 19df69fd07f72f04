/**
 * BlobStore on S3-compatible object storage (AWS S3, MinIO, Ceph RGW), which every node of a
 * cluster shares. One PutObject per blob with the size known in advance (no multipart), so S3's
 * own atomicity holds: an object appears whole or not at all.
 *
 * Nothing may hang a request forever: connecting, the whole request and an idle socket each have a
 * deadline, and a body stream that fails aborts its PutObject at once. The credentials live in the
 * client only; no error, log line or `toString` of this object carries them.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobUnavailableError, checkBlobKey, type BlobStore } from '../ports/blob-store.js';
import { exactLength } from './blob-length.js';

export interface S3BlobConfig {
  /** `https://s3.example.com`; undefined: AWS's own endpoint for the region. */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, most self-hosted stores). */
  forcePathStyle: boolean;
}

export interface S3Timeouts {
  /** Opening the TCP (and TLS) connection, ms. */
  connectMs: number;
  /** One request, from start to the response's headers (an upload's body included), ms. */
  requestMs: number;
  /** A socket that moves no byte for this long is destroyed (a download stalled halfway), ms. */
  idleMs: number;
}

export const DEFAULT_S3_TIMEOUTS: S3Timeouts = { connectMs: 3000, requestMs: 120_000, idleMs: 30_000 };

const nothing = () => undefined;
const SILENT = { trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing };

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  /** How long the clean-up after a failed put may take: a store that hangs must not double the wait. */
  private readonly cleanupMs: number;

  constructor(config: S3BlobConfig, timeouts: S3Timeouts = DEFAULT_S3_TIMEOUTS) {
    this.bucket = config.bucket;
    this.cleanupMs = Math.min(timeouts.requestMs, 5000);
    this.client = new S3Client({
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Two tries: a refused connection is retried once, then the edge answers 503 quickly.
      maxAttempts: 2,
      // The flexible checksums (aws-chunked bodies with a trailer) are not spoken by every
      // S3-compatible store; the signature (SigV4, over the headers) and TLS guard the bytes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: timeouts.connectMs,
        requestTimeout: timeouts.requestMs,
        throwOnRequestTimeout: true,
        socketTimeout: timeouts.idleMs,
      },
      // Silent: every failure reaches the caller as a BlobUnavailableError, which the edge logs
      // (without the SDK's request); without a logger the SDK would write warnings to the console.
      logger: SILENT,
    });
  }

  async put(key: string, body: Readable, meta: { size: number; contentType: string }): Promise<void> {
    checkBlobKey(key);
    const abort = new AbortController();
    const counted = exactLength(meta.size);
    // A body that fails (or lies about its size) aborts the request, so S3 never completes it.
    const feeding = pipeline(body, counted).catch((error: unknown) => abort.abort(error));
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: counted,
          ContentLength: meta.size,
          ContentType: meta.contentType,
        }),
        { abortSignal: abort.signal },
      );
      await feeding;
      if (abort.signal.aborted) throw abort.signal.reason;
    } catch (error) {
      counted.destroy();
      await feeding;
      // The request may have reached the store before failing; the port promises no object.
      await this.client
        .send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), {
          abortSignal: AbortSignal.timeout(this.cleanupMs),
        })
        .catch(() => undefined);
      throw new BlobUnavailableError(plain(abort.signal.aborted ? abort.signal.reason : error));
    }
  }

  async get(key: string): Promise<Readable | undefined> {
    checkBlobKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(answer.Body instanceof Readable)) throw new Error('GetObject answered without a body stream');
      return answer.Body;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      if (
        error instanceof S3ServiceException &&
        error.$metadata.httpStatusCode === 404 &&
        error.name !== 'NoSuchBucket'
      ) {
        return undefined;
      }
      throw new BlobUnavailableError(plain(error));
    }
  }

  async delete(key: string): Promise<void> {
    checkBlobKey(key);
    try {
      // S3 answers 204 for a missing key too: idempotent by nature.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw new BlobUnavailableError(plain(error));
    }
  }

  /** Closes the client's idle connections. */
  close(): void {
    this.client.destroy();
  }
}

/**
 * The cause kept for the log: name, message and status only. An SDK error also carries the raw
 * response and fields the store sent back (a SignatureDoesNotMatch names the access key id).
 */
function plain(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const status = error instanceof S3ServiceException ? ` (HTTP ${error.$metadata.httpStatusCode ?? '?'})` : '';
  const code = (error as NodeJS.ErrnoException).code;
  return new Error(`${error.name}${code === undefined ? '' : ` ${code}`}: ${error.message}${status}`);
}
