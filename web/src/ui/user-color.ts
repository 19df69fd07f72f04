/**
 * Paints user names in their colour through CSSOM (never a style attribute) and repaints them when
 * the theme changes. The server's colour is kept in `data-user-color`, validated as #rrggbb.
 */
import { userColorFor } from '../colors.js';
import { currentTheme, THEME_EVENT } from '../theme.js';

const ATTR = 'data-user-color';

export function paintUser(node: HTMLElement, color: string): void {
  node.setAttribute(ATTR, color);
  node.style.color = userColorFor(color, currentTheme());
}

let listening = false;

/** Repaints every coloured name under `root` whenever the theme flips. */
export function repaintOnThemeChange(root: ParentNode): void {
  if (listening) return;
  listening = true;
  document.addEventListener(THEME_EVENT, () => {
    const theme = currentTheme();
    for (const node of root.querySelectorAll<HTMLElement>(`[${ATTR}]`)) {
      node.style.color = userColorFor(node.getAttribute(ATTR) ?? '', theme);
    }
  });
}
