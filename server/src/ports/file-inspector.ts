/**
 * The FileInspector port: decides what uploaded bytes are, from the bytes alone (never the client's
 * name or Content-Type), and prepares what is stored. Adapter: adapters/file-inspector-sharp.ts
 * (file-type sniffs, sharp re-encodes).
 *
 * Guarantees every adapter gives:
 * - `image` only for a safe raster type (SAFE_IMAGE_TYPES) whose bytes decoded: then what `open`
 *   reads is a fresh encoding of the pixels (turned upright by its EXIF orientation) with NO
 *   metadata at all (EXIF, GPS, XMP, comments), `type` is that image type, and there may be a
 *   thumbnail (image/webp).
 * - Otherwise `open` reads the uploaded bytes unchanged, and `type` is the sniffed type (a PDF, a
 *   ZIP…), or `application/octet-stream` when nothing was recognized, for any other image (it did not
 *   decode, or is not a safe type) and for markup a browser would run (SVG, XML, HTML).
 * - It never throws for bytes it cannot read as an image; `dispose` removes what it made (not the
 *   upload itself, which is the caller's).
 */
import type { Readable } from 'node:stream';

/** Served inline as themselves (after re-encoding); everything else is served as an attachment. */
export const SAFE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface InspectedFile {
  type: string;
  image?: { width: number; height: number };
  /** Bytes `open` reads. */
  size: number;
  open(): Readable;
  thumbnail?: { size: number; type: string; open(): Readable };
  dispose(): Promise<void>;
}

export interface FileInspector {
  inspect(path: string): Promise<InspectedFile>;
}
