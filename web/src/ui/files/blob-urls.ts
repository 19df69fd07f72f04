/**
 * Object URLs for files shown in the message list. Bytes come from `fetch` with the Authorization
 * header (a token never goes into a URL), become a Blob and a `blob:` URL, shared by every <img> of
 * the same file and revoked once the last of them has left the list. A MutationObserver on the list
 * sees items leave (the window moving, a room switch, a redraw that replaced a message), so the list
 * itself needs to know nothing of files.
 */
import { fileBlob } from '../../files/api-files.js';

interface Held {
  refs: number;
  url: Promise<string>;
}

export interface BlobUrls {
  /** Loads the file (or its thumbnail) into `img` and holds its URL while `img` stays in the list. */
  show(img: HTMLImageElement, id: string, thumbnail: boolean): Promise<void>;
  /** How many URLs are held now (for tests and the curious). */
  readonly size: number;
}

export function createBlobUrls(list: HTMLElement): BlobUrls {
  const held = new Map<string, Held>();
  const owners = new Map<HTMLImageElement, string>();

  function release(img: HTMLImageElement): void {
    const key = owners.get(img);
    if (key === undefined) return;
    owners.delete(img);
    img.removeAttribute('src');
    const entry = held.get(key);
    if (entry === undefined || --entry.refs > 0) return;
    held.delete(key);
    entry.url.then(
      (url) => URL.revokeObjectURL(url),
      () => undefined,
    );
  }

  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.removedNodes) {
        if (!(node instanceof Element)) continue;
        const imgs = node instanceof HTMLImageElement ? [node] : [...node.querySelectorAll('img')];
        for (const img of imgs) if (!img.isConnected) release(img);
      }
    }
  }).observe(list, { childList: true, subtree: true });

  return {
    async show(img, id, thumbnail) {
      const key = `${id}:${thumbnail ? 't' : 'f'}`;
      let entry = held.get(key);
      if (entry === undefined) {
        entry = { refs: 0, url: fileBlob(id, thumbnail).then((blob) => URL.createObjectURL(blob)) };
        held.set(key, entry);
        // A file that could not be read is asked for again the next time it is drawn.
        entry.url.catch(() => held.get(key) === entry && held.delete(key));
      }
      entry.refs++;
      owners.set(img, key);
      try {
        const url = await entry.url;
        if (owners.get(img) === key) img.src = url;
      } catch (err) {
        img.classList.add('broken');
        img.title = `${img.alt}: could not be loaded`;
        throw err;
      }
    },
    get size() {
      return held.size;
    },
  };
}
