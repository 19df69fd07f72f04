/**
 * FileInspector with file-type (sniffing the first bytes) and sharp (libvips): a safe raster image
 * is decoded and encoded again, upright, with no metadata, plus a thumbnail; anything else is kept
 * as uploaded. sharp works in libuv's thread pool, so a big image never blocks the event loop.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { SAFE_IMAGE_TYPES, type FileInspector, type InspectedFile } from '../ports/file-inspector.js';

// Decoded images are not kept between uploads (memory), and one image at a time per upload.
sharp.cache(false);

export interface SharpInspectorOptions {
  /** Images with more pixels (all frames together) are not decoded: stored as plain files. */
  maxInputPixels: number;
  /** The thumbnail fits in a square this many pixels wide. */
  thumbnailSize: number;
}

export const DEFAULT_INSPECTOR_OPTIONS: SharpInspectorOptions = { maxInputPixels: 40_000_000, thumbnailSize: 320 };

const PLAIN = 'application/octet-stream';
const ACTIVE_TYPES = /xml|html|svg|script/i;

export class SharpFileInspector implements FileInspector {
  constructor(private readonly options: SharpInspectorOptions = DEFAULT_INSPECTOR_OPTIONS) {}

  async inspect(path: string): Promise<InspectedFile> {
    const sniffed = await fileTypeFromFile(path).catch(() => undefined);
    const type = sniffed?.mime ?? PLAIN;
    if (SAFE_IMAGE_TYPES.has(type)) {
      const image = await this.reencode(path, type).catch(() => undefined);
      if (image) return image;
      // Says it is an image and is not one we can read: never served as an image.
      return asUploaded(path, PLAIN);
    }
    // Other images (TIFF, BMP, HEIC…) are kept, not decoded, and not called images; nor is markup
    // a browser would run (SVG, XML, HTML): a client never takes such bytes for something to render.
    return asUploaded(path, type.startsWith('image/') || ACTIVE_TYPES.test(type) ? PLAIN : type);
  }

  private async reencode(path: string, type: string): Promise<InspectedFile> {
    const animated = type === 'image/gif' || type === 'image/webp';
    const input = { limitInputPixels: this.options.maxInputPixels, animated, failOn: 'error' as const };
    const out = `${path}.${randomBytes(6).toString('hex')}`;
    const made: string[] = [];
    try {
      // No withMetadata/keep*: sharp writes none of the input's EXIF, GPS, XMP, ICC or comments.
      let pipeline = sharp(path, input).rotate();
      pipeline =
        type === 'image/png'
          ? pipeline.png()
          : type === 'image/jpeg'
            ? pipeline.jpeg({ quality: 90, mozjpeg: true })
            : type === 'image/gif'
              ? pipeline.gif()
              : pipeline.webp({ quality: 90 });
      made.push(`${out}.img`);
      const info = await pipeline.toFile(`${out}.img`);
      made.push(`${out}.thumb`);
      const side = this.options.thumbnailSize;
      const thumb = await sharp(`${out}.img`, { limitInputPixels: this.options.maxInputPixels })
        .resize(side, side, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 75 })
        .toFile(`${out}.thumb`);
      const height = animated && info.pageHeight ? info.pageHeight : info.height;
      return {
        type,
        image: { width: info.width, height },
        size: (await stat(`${out}.img`)).size,
        open: () => readInBigChunks(`${out}.img`),
        thumbnail: { size: thumb.size, type: 'image/webp', open: () => readInBigChunks(`${out}.thumb`) },
        dispose: () => removeAll(made),
      };
    } catch (error) {
      await removeAll(made);
      throw error;
    }
  }
}

async function asUploaded(path: string, type: string): Promise<InspectedFile> {
  return {
    type,
    size: (await stat(path)).size,
    open: () => readInBigChunks(path),
    dispose: () => Promise.resolve(),
  };
}

/**
 * Copying a stored file into the blob store runs on the event loop chunk by chunk; 1 MiB chunks instead
 * of the default 64 KiB make a 10 MB upload 10 turns rather than 160, so a busy room's fan-out waits less.
 */
function readInBigChunks(path: string) {
  return createReadStream(path, { highWaterMark: 1024 * 1024 });
}

async function removeAll(paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true })));
}
