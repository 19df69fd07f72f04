import type { FileInspector } from '../../ports/file-inspector.js';

/** What the file use cases need besides the core's context (which holds the store and the blobs). */
export interface FileServices {
  inspector: FileInspector;
  /** FILE_MAX_BYTES: the most bytes one upload may have. */
  maxBytes: number;
  /** FILE_QUOTA_BYTES: the most bytes one person's files may take together. */
  quotaBytes: number;
  /** Uploads never attached to a message are removed once this old. */
  unattachedMaxAgeMs: number;
}

/** A random id or key of `bytes` random bytes, base64url (the shape FileIdSchema and blob keys take). */
export function randomToken(bytes: number): string {
  const random = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...random))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}
