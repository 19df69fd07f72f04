/**
 * Files shared in rooms (issue 18). A file is uploaded to a room (`POST /api/v1/rooms/:room/files`,
 * multipart, field `file`), then attached to one message by naming its id in `send.files`. Bytes
 * are read back with `GET /api/v1/files/:id` (and `/api/v1/files/:id/thumbnail` when `thumbnail`),
 * with the Authorization header like every API call: never a token in the URL.
 */
import { z } from 'zod';

/** The server's own random id for a stored file (base64url, 22 characters). */
export const FileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/**
 * A file as messages carry it. `type` is what the bytes were sniffed to be (never the client's
 * word); `name` is the uploader's file name, for display and download only. `width`/`height` for
 * images; `thumbnail`: a small preview exists.
 */
export const FileRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number().int().nonnegative(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  thumbnail: z.boolean(),
});
export type FileRef = z.infer<typeof FileRefSchema>;

/** `POST /api/v1/rooms/:room/files` answers 201 with this. */
export const UploadAnswerSchema = z.object({ file: FileRefSchema });
export type UploadAnswer = z.infer<typeof UploadAnswerSchema>;
