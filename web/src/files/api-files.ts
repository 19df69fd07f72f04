/**
 * Files over HTTP: the upload (XMLHttpRequest, the one browser API that reports upload progress)
 * and reading a file's bytes back. Both send the access token in the Authorization header like
 * every other call, never in a URL; an image is shown from a `blob:` URL made of the bytes.
 */
import type { FileRef, UploadAnswer } from '../../../protocol/files.js';
import { ApiError, errorAnswer, requestBlob, tokenForCall } from '../api.js';

export interface UploadHandle {
  /** The stored file; rejects with an ApiError, or an UploadCancelled after `cancel()`. */
  readonly done: Promise<FileRef>;
  cancel(): void;
}

/** The person cancelled the upload: not an error to show. */
export class UploadCancelled extends Error {
  constructor() {
    super('Upload cancelled.');
    this.name = 'UploadCancelled';
  }
}

const REVOKE_DOWNLOAD_MS = 60_000;
const NETWORK = 'The upload was cut off: the connection dropped, or the server refused it before the end.';

/** Uploads one file to a room (`POST /api/v1/rooms/:room/files`, field `file`), reporting progress. */
export function uploadFile(
  room: string,
  file: File,
  onProgress: (loaded: number, total: number) => void,
): UploadHandle {
  let xhr: XMLHttpRequest | null = null;
  let cancelled = false;

  function attempt(token: string): Promise<{ status: number; data: unknown; retryAfter: string | null }> {
    return new Promise((resolve, reject) => {
      const req = new XMLHttpRequest();
      xhr = req;
      req.open('POST', `/api/v1/rooms/${encodeURIComponent(room)}/files`);
      req.setRequestHeader('Authorization', `Bearer ${token}`);
      req.setRequestHeader('Accept', 'application/json');
      req.responseType = 'text';
      req.upload.addEventListener('progress', (ev) =>
        onProgress(ev.loaded, ev.lengthComputable ? ev.total : file.size),
      );
      req.addEventListener('load', () => {
        let data: unknown;
        try {
          data = JSON.parse(req.responseText);
        } catch {
          data = undefined;
        }
        resolve({ status: req.status, data, retryAfter: req.getResponseHeader('Retry-After') });
      });
      req.addEventListener('error', () => reject(new ApiError(0, 'NETWORK', NETWORK)));
      req.addEventListener('abort', () => reject(new UploadCancelled()));
      const form = new FormData();
      form.append('file', file, file.name);
      req.send(form);
    });
  }

  async function run(): Promise<FileRef> {
    let answer = await attempt(await tokenForCall());
    // An expired token: renew it once and send the file again.
    if (answer.status === 401 && !cancelled) answer = await attempt(await tokenForCall(true));
    if (cancelled) throw new UploadCancelled();
    if (answer.status === 201 || answer.status === 200) return (answer.data as UploadAnswer).file;
    throw errorAnswer(answer.status, answer.data, answer.retryAfter);
  }

  return {
    done: run(),
    cancel() {
      cancelled = true;
      xhr?.abort();
    },
  };
}

/** A file's bytes, or its thumbnail's. */
export function fileBlob(id: string, thumbnail = false): Promise<Blob> {
  return requestBlob(`/files/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`);
}

/** Saves a file as the person's download: the bytes through fetch, then an `<a download>` on a blob: URL. */
export async function downloadFile(file: FileRef): Promise<void> {
  const url = URL.createObjectURL(await fileBlob(file.id));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser reads the URL when the download starts, which is not at once: let it go a while later.
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_DOWNLOAD_MS);
}
