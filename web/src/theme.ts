/**
 * Light or dark: follows `prefers-color-scheme` until the person picks one, then remembers the
 * pick. Only the theme is ever written to localStorage — never a token.
 */
export type Theme = 'dark' | 'light';

const KEY = 'parley-theme';
export const THEME_EVENT = 'parley:theme';

const media = (): MediaQueryList => matchMedia('(prefers-color-scheme: light)');

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    return null; // storage disabled: the theme still works for this page
  }
}

function store(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // ignore: the choice just will not survive a reload
  }
}

let chosen: Theme | null = null;

export function currentTheme(): Theme {
  return document.documentElement.dataset['theme'] === 'light' ? 'light' : 'dark';
}

function apply(theme: Theme): void {
  const root = document.documentElement;
  root.dataset['theme'] = theme;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', theme);
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-theme-toggle]')) {
    const next = theme === 'dark' ? 'light' : 'dark';
    button.setAttribute('aria-label', `Switch to the ${next} theme`);
    button.title = `Switch to the ${next} theme`;
    button.textContent = theme === 'dark' ? '☀ light' : '☾ dark';
  }
  document.dispatchEvent(new CustomEvent(THEME_EVENT, { detail: theme }));
}

export function toggleTheme(): void {
  chosen = currentTheme() === 'dark' ? 'light' : 'dark';
  store(chosen);
  apply(chosen);
}

/**
 * Writes the pick again. Logout answers with `Clear-Site-Data: "storage"`, which wipes it along
 * with everything else; the theme is not a secret, so it is put back.
 */
export function rememberThemeAgain(): void {
  if (chosen !== null) store(chosen);
}

export function initTheme(): void {
  chosen = stored();
  const query = media();
  apply(chosen ?? (query.matches ? 'light' : 'dark'));
  query.addEventListener('change', () => {
    if (chosen === null) apply(query.matches ? 'light' : 'dark');
  });
  document.addEventListener('click', (ev) => {
    if (ev.target instanceof Element && ev.target.closest('[data-theme-toggle]')) toggleTheme();
  });
}
