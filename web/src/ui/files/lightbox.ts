/**
 * A picture at full size, in a modal <dialog>: the browser keeps focus inside it while it is open,
 * Escape closes it, and focus goes back to what opened it. The full image comes the same way as
 * the previews (fetch with the Authorization header → Blob → `blob:` URL), and its URL is revoked
 * on close. Its alt text and caption are the file's name, as text.
 */
import type { FileRef } from '../../../../protocol/files.js';
import { downloadFile, fileBlob } from '../../files/api-files.js';
import { formatBytes } from '../../files/format.js';
import { byId } from '../dom.js';

export interface Lightbox {
  open(file: FileRef, opener: HTMLElement | null): void;
  close(): void;
}

export function createLightbox(onError: (text: string) => void): Lightbox {
  const dialog = byId('lightbox', HTMLDialogElement);
  const img = byId('lightbox-img', HTMLImageElement);
  const caption = byId('lightbox-caption', HTMLElement);
  const download = byId('lightbox-download', HTMLButtonElement);
  let file: FileRef | null = null;
  let url: string | null = null;
  let opener: HTMLElement | null = null;
  /** Which opening a load belongs to: one that finishes after a close (or another open) is dropped. */
  let opening = 0;

  byId('lightbox-close', HTMLButtonElement).addEventListener('click', () => dialog.close());
  // A press on the backdrop (the dialog box itself, outside the figure) closes it too.
  dialog.addEventListener('click', (ev) => {
    if (ev.target === dialog) dialog.close();
  });
  download.addEventListener('click', () => {
    if (file !== null) downloadFile(file).catch(() => onError(`${file?.name ?? 'The file'} could not be downloaded.`));
  });
  dialog.addEventListener('close', () => {
    opening++;
    if (url !== null) URL.revokeObjectURL(url);
    url = null;
    file = null;
    img.removeAttribute('src');
    dialog.removeAttribute('aria-busy');
    if (opener?.isConnected) opener.focus();
    opener = null;
  });

  return {
    open(next, from) {
      if (dialog.open) dialog.close();
      file = next;
      opener = from;
      const mine = ++opening;
      img.alt = next.name;
      caption.textContent = `${next.name} · ${formatBytes(next.size)}`;
      dialog.setAttribute('aria-busy', 'true');
      dialog.showModal();
      byId('lightbox-close', HTMLButtonElement).focus();
      fileBlob(next.id).then(
        (blob) => {
          const made = URL.createObjectURL(blob);
          if (mine !== opening) return URL.revokeObjectURL(made);
          url = made;
          img.src = made;
          dialog.removeAttribute('aria-busy');
        },
        () => {
          if (mine !== opening) return;
          dialog.removeAttribute('aria-busy');
          caption.textContent = `${next.name}: could not be loaded.`;
        },
      );
    },
    close: () => dialog.close(),
  };
}
