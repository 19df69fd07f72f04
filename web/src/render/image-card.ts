/**
 * An image in a message is not loaded: fetching it would tell another site who reads the room and
 * when, and the CSP refuses it anyway (with a console error for every reader). It is shown as a link
 * to the image instead, naming what it shows (the alt text) and where it lives (the host), so the
 * person can open it on purpose. Only http(s) addresses become links; anything else stays text.
 */
import { escapeHtml } from './escape.js';

export function imageCard(href: string, alt: string): string {
  const label = escapeHtml(alt.trim() === '' ? 'image' : alt.trim());
  const url = parse(href);
  if (url === undefined) return `<span class="link-card">${label}</span>`;
  return (
    `<a class="link-card" href="${escapeHtml(url.href)}" title="${escapeHtml(url.href)}">` +
    `<span class="link-card-alt">${label}</span> <span class="link-card-host">${escapeHtml(url.host)}</span></a>`
  );
}

function parse(href: string): URL | undefined {
  try {
    const base = typeof location === 'undefined' ? 'http://localhost/' : location.href;
    const url = new URL(href, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
