import { rm } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { FileIdSchema, Limits, UploadAnswerSchema } from '../../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { InFlight } from '../../core/accounts/in-flight.js';
import { openFile, type FileDownload } from '../../core/files/download.js';
import type { FileServices } from '../../core/files/file-services.js';
import { allowUpload, storeUpload } from '../../core/files/upload.js';
import { ParleyError } from '../../core/errors.js';
import { SAFE_IMAGE_TYPES } from '../../ports/file-inspector.js';
import { identityOf } from './require-auth.js';
import { routeSchema } from './route-schema.js';
import { PART_LIMITS, receiveUpload, sweepTempUploads } from './upload-receiver.js';
import type { CleanupTask } from '../cleanup-job.js';
import { cleanupUnattached } from '../../core/files/cleanup-unattached.js';
import { validate } from './validate.js';

/** What every download carries: never sniffed into something else, never a script's document. */
export const DOWNLOAD_CSP = "default-src 'none'; sandbox";

/** Uploads one person may have in progress at once on one node; one more answers 429 at once. */
const UPLOADS_IN_FLIGHT_PER_USER = 4;
/** A temporary upload file this old was left by a crash (requests are cut after 30 s). */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;
/** Uploads never attached to a message are removed this long after. */
export const UNATTACHED_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const RoomParams = z.strictObject({ room: z.string().regex(Limits.ROOM_PATTERN) });
// Any id is looked at: one that cannot be a file id is the same 404 as one that is not a file.
const FileParams = z.strictObject({ id: z.string() });

const docs = {
  upload: routeSchema({
    tag: 'files',
    summary: 'Upload a file to a room (multipart, one part named "file"); attach it with send.files.',
    description:
      'Needs what sending in the room needs. The type is sniffed from the bytes; PNG, JPEG, GIF and WebP ' +
      'are re-encoded without metadata and get a thumbnail. 413 FILE_TOO_LARGE (FILE_MAX_BYTES) or ' +
      'QUOTA_EXCEEDED (FILE_QUOTA_BYTES); 400 UPLOAD_INVALID for anything but one file part named "file". ' +
      'Never attached within 24 hours, it is removed.',
    auth: true,
    params: RoomParams,
    body: z.object({ file: z.string() }),
    multipartFile: 'file',
    response: { 201: UploadAnswerSchema },
  }),
  download: routeSchema({
    tag: 'files',
    summary: "A file's bytes: inline only for a re-encoded PNG, JPEG, GIF or WebP; anything else an attachment.",
    description:
      "Asks the room's read access on every request; a file not yet attached only to its uploader. " +
      "Otherwise 404 FILE_NOT_FOUND, as for a file that does not exist. Headers: X-Content-Type-Options: nosniff, Content-Security-Policy: default-src 'none'; sandbox.",
    auth: true,
    params: FileParams,
    binaryResponse: [...SAFE_IMAGE_TYPES, 'application/octet-stream'],
    response: { 200: z.string() },
  }),
  thumbnail: routeSchema({
    tag: 'files',
    summary: "An image's thumbnail (WebP, at most 320 px a side), when its FileRef says `thumbnail`.",
    auth: true,
    params: FileParams,
    binaryResponse: ['image/webp'],
    response: { 200: z.string() },
  }),
};

export interface FileRouteOptions {
  core: ChatCore;
  files: FileServices;
  auth: preHandlerAsyncHookHandler;
  /** Where uploads are streamed before they are stored (under DATA_DIR). */
  tempDir: string;
}

/**
 * Uploads and downloads (issue 18). The multipart parser is registered in this plugin only: every
 * other route still refuses a multipart body (415 UNSUPPORTED_MEDIA_TYPE), and the JSON body limit
 * stays what it was for them. Thin: the gate and the rules are the core's (core/files/).
 */
export function fileRoutes(options: FileRouteOptions) {
  const { core, files, auth, tempDir } = options;
  const ctx = core.ctx;
  const inFlight = new InFlight(UPLOADS_IN_FLIGHT_PER_USER);

  return async (app: FastifyInstance): Promise<void> => {
    await app.register(multipart, { limits: PART_LIMITS });
    // An answer sent before the whole body was read (a refusal: no token, no access, over a limit)
    // leaves the rest unread: this connection cannot carry another request.
    app.addHook('onSend', async (request, reply, payload) => {
      if (!request.raw.complete) void reply.header('Connection', 'close');
      return payload;
    });

    app.post('/api/v1/rooms/:room/files', { preHandler: auth, schema: docs.upload }, async (request, reply) => {
      const { room } = validate(RoomParams, request.params);
      const user = identityOf(request).user;
      // The gate and the quota first: nothing is read from someone who may not upload here.
      const allowance = await allowUpload(ctx, files, user, room);
      if (!inFlight.tryAcquire(user.id)) throw new ParleyError('RATE_LIMITED', undefined, 1);
      let path: string | undefined;
      let file;
      try {
        const received = await receiveUpload(request, tempDir, allowance.maxBytes, allowance.overLimit);
        path = received.path;
        file = await storeUpload(ctx, files, user, allowance, received);
      } finally {
        inFlight.release(user.id);
        if (path !== undefined) await rm(path, { force: true });
      }
      return reply.status(201).send({ file });
    });

    for (const part of ['file', 'thumbnail'] as const) {
      const url = part === 'file' ? '/api/v1/files/:id' : '/api/v1/files/:id/thumbnail';
      const schema = part === 'file' ? docs.download : docs.thumbnail;
      app.get(url, { preHandler: auth, schema }, async (request, reply) => {
        const { id } = validate(FileParams, request.params);
        // An id that cannot be one is the same 404 as one that is not (or not mine to read).
        if (!FileIdSchema.safeParse(id).success) throw new ParleyError('FILE_NOT_FOUND');
        const download = await openFile(ctx, identityOf(request).user, id, part);
        return sendDownload(reply, download, part);
      });
    }
  };
}

function sendDownload(reply: FastifyReply, download: FileDownload, part: 'file' | 'thumbnail') {
  const name = part === 'thumbnail' ? `thumbnail-${download.file.name}.webp` : download.file.name;
  void reply.headers({
    'Content-Type': download.contentType,
    'Content-Disposition': contentDisposition(download.inline ? 'inline' : 'attachment', name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': DOWNLOAD_CSP,
    // Access is asked on every request: nothing kept where it could be read without asking.
    'Cache-Control': 'private, no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...(download.size === undefined ? {} : { 'Content-Length': String(download.size) }),
  });
  return reply.status(200).send(download.body);
}

/**
 * `inline` or `attachment` with the name twice: a plain ASCII fallback (`filename`, quotes, slashes
 * and anything outside printable ASCII replaced) and the exact UTF-8 name (`filename*`, RFC 5987).
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\/;%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** Uploads never attached within `files.unattachedMaxAgeMs`, and temporary files a crash left. */
export function fileCleanupTasks(core: ChatCore, files: FileServices, tempDir: string): CleanupTask[] {
  return [
    { name: 'unattached uploads', runBatch: (size) => cleanupUnattached(core.ctx, files, size) },
    { name: 'temporary uploads', runBatch: () => sweepTempUploads(tempDir, TEMP_MAX_AGE_MS, core.ctx.clock.now()) },
  ];
}
