/**
 * The files waiting in the composer, as pure functions over a list (no DOM, no network): each is
 * uploading (with how much has gone), uploaded (its FileRef, ready to attach) or failed (why). A
 * message takes the uploaded ones of its room; uploads belong to the room they were sent to.
 */
import type { FileRef } from '../../../protocol/files.js';
import { Limits } from '../../../protocol/limits.js';

export type UploadStatus = 'uploading' | 'done' | 'failed';

export interface Upload {
  readonly key: string;
  readonly room: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly status: UploadStatus;
  /** Bytes sent so far. */
  readonly loaded: number;
  readonly error?: string;
  readonly file?: FileRef;
}

export function added(
  list: readonly Upload[],
  key: string,
  room: string,
  file: Pick<File, 'name' | 'size' | 'type'>,
): Upload[] {
  const upload: Upload = {
    key,
    room,
    name: file.name,
    size: file.size,
    type: file.type,
    status: 'uploading',
    loaded: 0,
  };
  return [...list, upload];
}

export function progressed(list: readonly Upload[], key: string, loaded: number): readonly Upload[] {
  return change(list, key, (u) => (u.status === 'uploading' && loaded > u.loaded ? { ...u, loaded } : u));
}

export function finished(list: readonly Upload[], key: string, file: FileRef): readonly Upload[] {
  return change(list, key, (u) => ({ ...u, status: 'done', loaded: u.size, file }));
}

export function failed(list: readonly Upload[], key: string, error: string): readonly Upload[] {
  return change(list, key, (u) => ({ ...u, status: 'failed', error }));
}

export function removed(list: readonly Upload[], key: string): readonly Upload[] {
  return list.some((u) => u.key === key) ? list.filter((u) => u.key !== key) : list;
}

/** The uploads of one room, in the order they were added. */
export function ofRoom(list: readonly Upload[], room: string | null): Upload[] {
  return list.filter((u) => u.room === room);
}

/** The files a message in `room` would carry now. */
export function readyFiles(list: readonly Upload[], room: string): FileRef[] {
  return ofRoom(list, room).flatMap((u) => (u.status === 'done' && u.file !== undefined ? [u.file] : []));
}

/** Whether a file of the room is still on its way (a message sent now would go without it). */
export function busy(list: readonly Upload[], room: string): boolean {
  return ofRoom(list, room).some((u) => u.status === 'uploading');
}

/** How many more files a message in `room` may take (failed ones do not count). */
export function roomLeft(list: readonly Upload[], room: string): number {
  return Limits.FILES_PER_MESSAGE_MAX - ofRoom(list, room).filter((u) => u.status !== 'failed').length;
}

/** Whole percent sent, 0–100. */
export function percent(u: Upload): number {
  if (u.status === 'done' || u.size === 0) return u.status === 'done' ? 100 : 0;
  return Math.min(100, Math.floor((u.loaded / u.size) * 100));
}

function change(list: readonly Upload[], key: string, f: (u: Upload) => Upload): readonly Upload[] {
  const at = list.findIndex((u) => u.key === key);
  if (at < 0) return list;
  const next = f(list[at]!);
  if (next === list[at]) return list;
  const copy = [...list];
  copy[at] = next;
  return copy;
}
