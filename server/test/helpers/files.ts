import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FileRef, ServerFrame } from '../../../protocol/index.js';
import type { Session } from './http.js';
import { waitUntil } from './wait.js';
import type { TestClient } from './ws-client.js';

export interface UploadResult {
  status: number;
  body: { file?: FileRef; error?: { code: string } };
}

/** Uploads bytes as a browser's FormData would: one part named `file` (or `field`). */
export async function upload(
  base: string,
  session: Session,
  room: string,
  bytes: Uint8Array,
  name = 'file.bin',
  type = 'application/octet-stream',
  field = 'file',
): Promise<UploadResult> {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${base}/api/v1/rooms/${room}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.accessToken}`, cookie: session.cookie },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as UploadResult['body'] };
}

/** Uploads and answers the FileRef; throws unless 201. */
export async function uploaded(
  base: string,
  session: Session,
  room: string,
  bytes: Uint8Array,
  name?: string,
  type?: string,
): Promise<FileRef> {
  const result = await upload(base, session, room, bytes, name, type);
  if (result.status !== 201 || !result.body.file) {
    throw new Error(`upload: ${result.status} ${JSON.stringify(result.body)}`);
  }
  return result.body.file;
}

export interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
  code: string | undefined;
}

export async function download(base: string, session: Session, id: string, thumbnail = false): Promise<Download> {
  const response = await fetch(`${base}/api/v1/files/${id}${thumbnail ? '/thumbnail' : ''}`, {
    headers: { authorization: `Bearer ${session.accessToken}`, cookie: session.cookie },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  let code: string | undefined;
  if (response.status !== 200) code = (JSON.parse(bytes.toString('utf8')) as { error: { code: string } }).error.code;
  return { status: response.status, headers: response.headers, bytes, code };
}

/** Sends a message with files; answers the ack or the refusal, whichever comes. */
export async function sendFiles(
  client: TestClient,
  room: string,
  text: string,
  files: string[],
): Promise<Extract<ServerFrame, { type: 'error' | 'ack' }>> {
  const clientMsgId = globalThis.crypto.randomUUID();
  client.send({ type: 'send', room, text, clientMsgId, files });
  const find = () =>
    client.frames.find(
      (f): f is Extract<ServerFrame, { type: 'error' | 'ack' }> =>
        (f.type === 'error' && f.ref === clientMsgId) || (f.type === 'ack' && f.clientMsgId === clientMsgId),
    );
  await waitUntil(() => find() !== undefined, 'an ack or a refusal');
  return find()!;
}

/** A small real PNG (sharp draws it). */
export function png(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } })
    .png()
    .toBuffer();
}

/** Every file under a directory, recursively (blobs and temporary uploads). */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

/** Posts a hand-made body to the upload route; answers the status and the error code, if any. */
export async function postRaw(
  base: string,
  session: Session,
  room: string,
  body: Buffer | string,
  contentType: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(`${base}/api/v1/rooms/${room}/files`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${session.accessToken}`,
      cookie: session.cookie,
      'content-type': contentType,
      ...headers,
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code };
}

/** A multipart body from parts given as [headers, content]; `end: false` leaves out the closing boundary. */
export function multipartBody(boundary: string, parts: [string, string | Buffer][], end = true): Buffer {
  const chunks: Buffer[] = [];
  for (const [headers, content] of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n'));
  }
  if (end) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export const filePart = (field: string, name = 'a.bin'): string =>
  `Content-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream`;
