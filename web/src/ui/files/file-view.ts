/**
 * The files of a message: pictures as previews (a button that opens the lightbox) and anything else
 * as a card with its name, size and kind and a download button. Every name is text (textContent and
 * attributes set one by one), never HTML. Previews reserve their box from the width and height the
 * server measured, so the list does not jump when they arrive.
 */
import type { FileRef } from '../../../../protocol/files.js';
import { downloadFile } from '../../files/api-files.js';
import { fileKind, formatBytes, isPicture } from '../../files/format.js';
import { el } from '../dom.js';
import type { BlobUrls } from './blob-urls.js';
import type { Lightbox } from './lightbox.js';

/** The box a preview fits in, in CSS pixels. */
const PREVIEW_W = 320;
const PREVIEW_H = 240;

export type FileBlock = (files: readonly FileRef[]) => HTMLElement;

export function createFileBlock(urls: BlobUrls, lightbox: Lightbox, onError: (text: string) => void): FileBlock {
  function picture(file: FileRef): HTMLElement {
    const button = el('button', 'file-image');
    button.type = 'button';
    button.tabIndex = -1;
    button.setAttribute('aria-label', `${file.name}, ${formatBytes(file.size)}: open the full image`);
    button.title = file.name;
    const img = el('img');
    img.alt = file.name;
    img.decoding = 'async';
    if (file.width !== undefined && file.height !== undefined && file.width > 0 && file.height > 0) {
      const scale = Math.min(1, PREVIEW_W / file.width, PREVIEW_H / file.height);
      img.width = Math.max(1, Math.round(file.width * scale));
      img.height = Math.max(1, Math.round(file.height * scale));
    }
    urls.show(img, file.id, file.thumbnail).catch(() => undefined);
    button.append(img);
    button.addEventListener('click', () => lightbox.open(file, button));
    return button;
  }

  function card(file: FileRef): HTMLElement {
    const box = el('div', 'file-card');
    box.append(
      el('span', 'file-icon', '▤'),
      el('span', 'file-name', file.name),
      el('span', 'file-meta dim', `${fileKind(file.type)} · ${formatBytes(file.size)}`),
    );
    box.title = file.name;
    const save = el('button', 'secondary small file-download', 'download');
    save.type = 'button';
    save.tabIndex = -1;
    save.setAttribute('aria-label', `download ${file.name}`);
    save.addEventListener('click', () => {
      save.disabled = true;
      downloadFile(file)
        .catch(() => onError(`${file.name} could not be downloaded.`))
        .finally(() => (save.disabled = false));
    });
    box.append(save);
    return box;
  }

  return (files) => {
    const block = el('div', 'files');
    for (const file of files) block.append(isPicture(file) ? picture(file) : card(file));
    return block;
  };
}

/** A message waiting in my outbox names its files (they are drawn for real once it is stored). */
export function pendingFiles(files: readonly FileRef[]): HTMLElement {
  const list = el('div', 'files pending-files dim');
  for (const file of files) list.append(el('span', 'file-chip', `▤ ${file.name}`));
  return list;
}
