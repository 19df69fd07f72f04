import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../../../protocol/index.js';
import { ParleyError } from '../../core/errors.js';

export interface ReceivedUpload {
  /** A temporary file holding the bytes; the caller removes it. */
  path: string;
  /** The name the client gave (unchecked: the core makes it safe). */
  name: string | undefined;
  size: number;
}

/**
 * The multipart parser's limits: one part, a file, few and short headers. busboy keeps at most
 * `headerSize` bytes and `headerPairs` lines of a part's headers and skips the rest unread into
 * memory (a part whose Content-Disposition is skipped so is no file: UPLOAD_INVALID).
 */
export const PART_LIMITS = {
  parts: 1,
  files: 1,
  fields: 0,
  headerPairs: 16,
  headerSize: 8192,
  fieldNameSize: 64,
} as const;

/** The slowest uplink an upload of the largest file must still finish on: 32 KiB/s (256 kbit/s). */
export const SLOWEST_UPLOAD_BYTES_PER_SECOND = 32 * 1024;
/** A connection that sends nothing for this long is cut (slow-loris), whatever its request. */
export const IDLE_CONNECTION_MS = 30_000;

/**
 * How long one request may take to arrive whole (Node's `requestTimeout`, server-wide): at least
 * 30 s, and long enough for FILE_MAX_BYTES at SLOWEST_UPLOAD_BYTES_PER_SECOND, so an honest upload
 * on a slow line is never cut with 408. A stalled body is still cut by the idle timeout.
 */
export function uploadDeadlineMs(fileMaxBytes: number): number {
  return Math.max(30_000, Math.ceil(fileMaxBytes / SLOWEST_UPLOAD_BYTES_PER_SECOND) * 1000);
}

/**
 * Reads an upload's one file part named `file` into a temporary file under `tempDir`, counting the
 * bytes as they stream (never the whole file in memory). More than `maxBytes` → stop reading,
 * remove the temporary file, `overLimit` (413). Anything else than exactly one file part named
 * `file` — no part, a field, a second part, a truncated or malformed body, not multipart at all —
 * is UPLOAD_INVALID (400), with nothing left behind.
 */
export async function receiveUpload(
  request: FastifyRequest,
  tempDir: string,
  maxBytes: number,
  overLimit: ErrorCode,
): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw invalid('Send multipart/form-data with one file part named "file".');
  await mkdir(tempDir, { recursive: true });
  const path = join(tempDir, `upload-${randomBytes(16).toString('hex')}`);
  let received: ReceivedUpload | undefined;
  try {
    // busboy stops a file one byte past the limit; the counter below says which limit it was.
    const parts = request.parts({ limits: { ...PART_LIMITS, fileSize: maxBytes + 1 } });
    for await (const part of parts) {
      if (part.type !== 'file' || part.fieldname !== 'file' || received) {
        throw invalid('Exactly one part, a file named "file".');
      }
      const counter = new ByteCounter(maxBytes);
      await pipeline(part.file, counter, createWriteStream(path, { flags: 'wx' }));
      if (part.file.truncated) throw new ParleyError(overLimit);
      received = { path, name: formDataName(part.filename), size: counter.bytes };
    }
    if (!received) throw invalid('No file part named "file".');
    return received;
  } catch (error) {
    await rm(path, { force: true });
    throw uploadError(error, overLimit, request);
  }
}

/**
 * Browsers (and undici) write a FormData file name with `"`, CR and LF percent-encoded (the HTML
 * standard's multipart/form-data encoding): undo exactly those three.
 */
function formDataName(name: string | undefined): string | undefined {
  return name?.replace(/%(22|0D|0A)/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Counts bytes through; more than `max` fails the pipeline with TooManyBytes. */
class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) done(new TooManyBytes());
    else done(null, chunk);
  }
}

class TooManyBytes extends Error {}

function invalid(message: string): ParleyError {
  return new ParleyError('UPLOAD_INVALID', message);
}

/** What a failed upload answers: never 500 for anything a client can send. */
function uploadError(error: unknown, overLimit: ErrorCode, request: FastifyRequest): unknown {
  if (error instanceof ParleyError) return error;
  if (error instanceof TooManyBytes) return new ParleyError(overLimit);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new ParleyError(overLimit);
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  if (typeof syscall === 'string' && code !== 'ECONNRESET') {
    // The disk under DATA_DIR failed (full, say): not the client's fault.
    request.log.error({ err: error }, 'writing an upload to its temporary file failed');
    return new ParleyError('FILES_UNAVAILABLE');
  }
  // busboy's and @fastify/multipart's refusals: limits, malformed or truncated bodies, closed early.
  request.log.info({ err: error }, 'upload refused as invalid');
  return invalid('The multipart body is not one well-formed file part named "file".');
}

/**
 * Removes temporary upload files older than `maxAgeMs` (left by a crash mid-upload): an upload
 * alive that long has been cut by the request timeout long ago. Never throws.
 */
export async function sweepTempUploads(tempDir: string, maxAgeMs: number, now: number): Promise<number> {
  let removed = 0;
  const names = await readdir(tempDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith('upload-')) continue;
    const path = join(tempDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > maxAgeMs) {
      await rm(path, { force: true }).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}
