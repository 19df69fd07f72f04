/**
 * Files on their way into a message: pasted into the composer (an image copied from anywhere, or
 * files), dropped onto the room, or picked with the attach button. Each uploads at once to the open
 * room, shown above the composer with its progress and a cancel button; a refusal (too large, over
 * the quota, not a file the server takes, storage down) says why, in the server's words. Sending
 * takes the uploaded files of the open room; each room keeps its own.
 */
import type { FileRef } from '../../../../protocol/files.js';
import { Limits } from '../../../../protocol/limits.js';
import { ApiError } from '../../api.js';
import { uploadFile, UploadCancelled, type UploadHandle } from '../../files/api-files.js';
import { formatBytes, uploadProblem } from '../../files/format.js';
import * as up from '../../files/uploads.js';
import { byId, el } from '../dom.js';

export interface AttachmentsOptions {
  /** The room on screen (uploads go to it). */
  room: () => string | null;
  onError: (text: string) => void;
  onAuthFailure: () => void;
}

export interface Attachments {
  /** The room on screen changed: show its files. */
  show(room: string | null): void;
  /** The uploaded files of the open room. */
  ready(): readonly FileRef[];
  /** Whether a file of the open room is still uploading. */
  busy(): boolean;
  /** The uploaded files of the open room, taken out of the composer (the message carries them now). */
  take(): FileRef[];
  add(files: readonly File[]): void;
  /** Cancels every upload and forgets every file (logout). */
  clear(): void;
}

interface Row {
  li: HTMLLIElement;
  bar: HTMLProgressElement;
  state: HTMLElement;
  button: HTMLButtonElement;
  key: string;
}

export function createAttachments(
  textarea: HTMLTextAreaElement,
  dropZone: HTMLElement,
  options: AttachmentsOptions,
): Attachments {
  const listEl = byId('attachments', HTMLUListElement);
  const input = byId('attach-input', HTMLInputElement);
  let list: readonly up.Upload[] = [];
  const handles = new Map<string, UploadHandle>();
  const rows = new Map<string, Row>();

  function set(next: readonly up.Upload[]): void {
    if (next === list) return;
    list = next;
    render();
  }

  function row(u: up.Upload): Row {
    const li = el('li', 'attachment');
    const name = el('span', 'attachment-name', u.name);
    name.title = u.name;
    const bar = el('progress', 'attachment-progress');
    bar.max = 100;
    bar.setAttribute('aria-label', `uploading ${u.name}`);
    const state = el('span', 'attachment-state dim');
    const button = el('button', 'link attachment-cancel');
    button.type = 'button';
    button.addEventListener('click', () => cancel(u.key));
    li.append(name, el('span', 'attachment-size dim', formatBytes(u.size)), bar, state, button);
    return { li, bar, state, button, key: u.key };
  }

  function render(): void {
    const mine = up.ofRoom(list, options.room());
    const wanted = new Set(mine.map((u) => u.key));
    for (const [key, r] of rows) {
      if (wanted.has(key)) continue;
      r.li.remove();
      rows.delete(key);
    }
    for (const u of mine) {
      let r = rows.get(u.key);
      if (r === undefined) {
        r = row(u);
        rows.set(u.key, r);
      }
      r.li.dataset['status'] = u.status;
      r.bar.value = up.percent(u);
      r.bar.hidden = u.status !== 'uploading';
      r.state.textContent = u.status === 'uploading' ? `${up.percent(u)}%` : u.status === 'done' ? 'ready' : '';
      r.state.className = u.status === 'failed' ? 'attachment-state error' : 'attachment-state dim';
      if (u.status === 'failed') r.state.textContent = u.error ?? 'failed';
      r.button.textContent = u.status === 'uploading' ? 'cancel' : 'remove';
      r.button.setAttribute('aria-label', `${r.button.textContent} ${u.name}`);
      listEl.append(r.li); // in order; a node already in place only moves if it must
    }
    listEl.hidden = mine.length === 0;
  }

  function cancel(key: string): void {
    handles.get(key)?.cancel();
    handles.delete(key);
    set(up.removed(list, key));
    textarea.focus();
  }

  function start(room: string, file: File): void {
    const key = crypto.randomUUID();
    set(up.added(list, key, room, file));
    const handle = uploadFile(room, file, (loaded) => set(up.progressed(list, key, loaded)));
    handles.set(key, handle);
    handle.done.then(
      (ref) => set(up.finished(list, key, ref)),
      (err: unknown) => {
        if (err instanceof UploadCancelled || !list.some((u) => u.key === key)) return;
        const why = uploadProblem(file.name, err);
        set(up.failed(list, key, why));
        if (err instanceof ApiError && err.isAuthFailure) options.onAuthFailure();
        else options.onError(why);
      },
    );
    void handle.done.catch(() => undefined).finally(() => handles.delete(key));
  }

  function add(files: readonly File[]): void {
    const room = options.room();
    if (room === null || files.length === 0) return;
    const left = up.roomLeft(list, room);
    if (files.length > left) options.onError(`A message carries at most ${Limits.FILES_PER_MESSAGE_MAX} files.`);
    for (const file of files.slice(0, Math.max(0, left))) start(room, file);
  }

  textarea.addEventListener('paste', (ev) => {
    const files = pastedFiles(ev.clipboardData);
    if (files.length === 0) return; // text: the textarea takes it as usual
    ev.preventDefault();
    add(files);
  });
  const carriesFiles = (ev: DragEvent): boolean => ev.dataTransfer?.types.includes('Files') ?? false;
  dropZone.addEventListener('dragover', (ev) => {
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('drop-target');
  });
  dropZone.addEventListener('dragleave', (ev) => {
    if (!dropZone.contains(ev.relatedTarget as Node | null)) dropZone.classList.remove('drop-target');
  });
  dropZone.addEventListener('drop', (ev) => {
    dropZone.classList.remove('drop-target');
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    add([...(ev.dataTransfer?.files ?? [])]);
  });
  // A file dropped beside the room must not make the tab navigate away to it.
  window.addEventListener('dragover', (ev) => carriesFiles(ev) && ev.preventDefault());
  window.addEventListener('drop', (ev) => carriesFiles(ev) && ev.preventDefault());
  byId('attach-btn', HTMLButtonElement).addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    add([...(input.files ?? [])]);
    input.value = '';
    textarea.focus();
  });

  const room = (): string | null => options.room();
  return {
    show: () => render(),
    ready: () => {
      const r = room();
      return r === null ? [] : up.readyFiles(list, r);
    },
    busy: () => {
      const r = room();
      return r !== null && up.busy(list, r);
    },
    take() {
      const r = room();
      if (r === null) return [];
      const files = up.readyFiles(list, r);
      set(list.filter((u) => !(u.room === r && u.status === 'done')));
      return files;
    },
    add,
    clear() {
      for (const handle of handles.values()) handle.cancel();
      handles.clear();
      set([]);
    },
  };
}

/** The files on the clipboard: `files`, or else the file items (some browsers fill only those). */
function pastedFiles(data: DataTransfer | null): File[] {
  if (data === null) return [];
  if (data.files.length > 0) return [...data.files];
  return [...data.items].flatMap((item) => {
    const file = item.kind === 'file' ? item.getAsFile() : null;
    return file === null ? [] : [file];
  });
}
