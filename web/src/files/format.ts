/** Words for files: sizes, kinds and why an upload failed. Pure, for the views and their tests. */
import type { FileRef } from '../../../protocol/files.js';
import type { ApiError } from '../api.js';

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 0 B, 999 B, 1.5 KiB, 25 MiB: one decimal under 10 of a unit, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? (Math.floor(value * 10) / 10).toFixed(1).replace(/\.0$/, '') : String(Math.floor(value));
  return `${shown} ${UNITS[unit]}`;
}

/** The raster types the server re-encodes and serves inline: the only ones shown as pictures. */
const PICTURES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function isPicture(file: Pick<FileRef, 'type' | 'thumbnail'>): boolean {
  return file.thumbnail || PICTURES.has(file.type);
}

/** A short kind for a file card: `PNG image`, `PDF`, or the sniffed type itself. */
export function fileKind(type: string): string {
  if (type === '' || type === 'application/octet-stream') return 'file';
  const [group, sub = ''] = type.split('/');
  const name = sub.replace(/^x-/, '').replace(/\+.*$/, '').toUpperCase();
  if (group === 'image') return `${name} image`;
  if (group === 'audio' || group === 'video') return `${name} ${group}`;
  if (group === 'text') return sub === 'plain' ? 'text' : `${name} text`;
  return name.length > 0 && name.length <= 5 ? name : type;
}

/**
 * Why an upload failed, for the person: the file's name, then the server's own words for the codes it
 * documents (FILE_TOO_LARGE, QUOTA_EXCEEDED, UPLOAD_INVALID, FILES_UNAVAILABLE, ...), or ours for a
 * connection that broke.
 */
export function uploadProblem(name: string, err: unknown): string {
  const api = err as Partial<ApiError> | null;
  if (api?.isNetwork === true) return `${name}: ${api.message ?? 'the upload was cut off.'}`;
  if (typeof api?.code === 'string' && typeof api.message === 'string') return `${name}: ${api.message}`;
  return `${name}: the upload failed.`;
}
