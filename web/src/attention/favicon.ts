/**
 * The favicon with the unread count drawn on it: the page's own icon painted on a canvas with a
 * badge, set as a PNG `data:` URL (the CSP's `img-src 'self' data:` allows both; nothing is fetched
 * from elsewhere). Back to the original icon when nothing is unread.
 */
import { countText } from './unread.js';

const SIZE = 32;
const BADGE_BG = '#e0301e';
const BADGE_FG = '#ffffff';

export interface Favicon {
  show(unread: number): void;
  /** The original icon again. */
  reset(): void;
}

export function createFavicon(doc: Document = document): Favicon {
  const link = doc.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (link === null) return { show: () => undefined, reset: () => undefined };
  const original = { href: link.getAttribute('href') ?? '', type: link.type };
  const base = new Image();
  base.src = original.href;
  const baseReady = base.decode().then(
    () => true,
    () => false, // draw the badge on a plain square rather than not at all
  );
  const drawn = new Map<string, string>();
  let wanted = '';

  function apply(text: string, url: string): void {
    if (text !== wanted) return; // a newer count came while the icon was loading
    link!.type = 'image/png';
    link!.href = url;
  }

  async function paint(text: string): Promise<void> {
    const cached = drawn.get(text);
    if (cached !== undefined) return apply(text, cached);
    const withBase = await baseReady;
    const canvas = doc.createElement('canvas');
    canvas.width = canvas.height = SIZE;
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    if (withBase) ctx.drawImage(base, 0, 0, SIZE, SIZE);
    else {
      ctx.fillStyle = '#0b0f0c';
      ctx.fillRect(0, 0, SIZE, SIZE);
    }
    ctx.font = `bold ${text.length > 2 ? 13 : 17}px sans-serif`;
    const width = Math.min(SIZE, Math.max(20, ctx.measureText(text).width + 8));
    const height = 20;
    ctx.fillStyle = BADGE_BG;
    ctx.beginPath();
    ctx.roundRect(SIZE - width, 0, width, height, height / 2);
    ctx.fill();
    ctx.fillStyle = BADGE_FG;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, SIZE - width / 2, height / 2 + 1);
    const url = canvas.toDataURL('image/png');
    drawn.set(text, url);
    apply(text, url);
  }

  function reset(): void {
    if (wanted === '' && link!.getAttribute('href') === original.href) return;
    wanted = '';
    link!.type = original.type;
    link!.href = original.href;
  }

  return {
    show(unread) {
      if (unread <= 0) return reset();
      const text = countText(unread);
      if (text === wanted) return;
      wanted = text;
      void paint(text);
    },
    reset,
  };
}
