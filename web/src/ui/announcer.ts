/**
 * Reads new messages to screen readers through one polite live region. Only live messages from
 * others are announced — not history, not the backlog on join — and only as plain text.
 */
const KEEP = 5;
const MAX_CHARS = 280;

export function createAnnouncer(region: HTMLElement): (text: string) => void {
  return (text) => {
    const line = document.createElement('p');
    line.textContent = text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
    region.append(line);
    while (region.childElementCount > KEEP) region.firstElementChild?.remove();
  };
}
