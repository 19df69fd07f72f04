import { z } from 'zod';

/**
 * Shared files (issue 18): how big one upload may be and how much one person may store. Both in
 * bytes, validated at startup. The bytes live in the BlobStore (local disk under DATA_DIR/files by
 * default).
 */
export const FilesEnv = {
  /** Most bytes one uploaded file may have (what is stored, after re-encoding an image). Default 25 MiB; 1 B – 5 GiB. */
  FILE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(5 * 1024 ** 3)
    .default(25 * 1024 ** 2),
  /** Most bytes one person's files may take together (attached or not). Default 1 GiB; at least 1 B. */
  FILE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .default(1024 ** 3),
};

export interface FilesConfig {
  maxBytes: number;
  quotaBytes: number;
}

export function parseFiles(e: { FILE_MAX_BYTES: number; FILE_QUOTA_BYTES: number }): FilesConfig {
  return { maxBytes: e.FILE_MAX_BYTES, quotaBytes: e.FILE_QUOTA_BYTES };
}
