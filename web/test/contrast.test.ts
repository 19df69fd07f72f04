/** Every text colour of both themes reads at WCAG AA, and so does every user colour. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { userColor } from '../../server/src/core/color.js';
import { contrastRatio, DARK_BG, LIGHT_BG, userColorFor } from '../src/colors.js';

const css = readFileSync(new URL('../src/styles/theme.css', import.meta.url), 'utf8');

function palette(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  expect(start, selector).toBeGreaterThanOrEqual(0);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})\b/gi)].map((m) => [m[1]!, m[2]!]));
}

const THEMES = {
  dark: palette(":root[data-theme='dark']"),
  light: palette(":root[data-theme='light']"),
};
const TEXT = ['fg', 'bright', 'dim', 'amber', 'red'];
const SURFACES = ['bg', 'bg-raised', 'code-bg'];

describe.each(Object.entries(THEMES))('the %s theme', (_name, colors) => {
  it.each(TEXT)('--%s reads at 4.5:1 or better on every surface', (text) => {
    for (const surface of SURFACES) {
      expect(contrastRatio(colors[text]!, colors[surface]!), `${text} on ${surface}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('buttons: the background colour under --bg text reads too, and control borders reach 3:1', () => {
    expect(contrastRatio(colors['bg']!, colors['bright']!)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(colors['bg']!, colors['amber']!)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(colors['control']!, colors['bg']!)).toBeGreaterThanOrEqual(3);
  });
});

it('the system-preference fallback repeats the light palette exactly', () => {
  const start = css.indexOf(':root:not([data-theme]) {');
  const block = css.slice(start, css.indexOf('}', start));
  for (const [name, value] of Object.entries(THEMES.light)) expect(block).toContain(`--${name}: ${value};`);
});

it('the colour module knows the same backgrounds as the stylesheet', () => {
  expect(THEMES.dark['bg']).toBe(DARK_BG);
  expect(THEMES.light['bg']).toBe(LIGHT_BG);
});

it('user colours from the server read on the dark background, and their light variants on the light one', () => {
  for (let i = 0; i < 500; i++) {
    const name = `user_${i.toString(36)}_${(i * 7919).toString(16)}`;
    const color = userColor(name);
    expect(userColorFor(color, 'dark')).toBe(color);
    expect(contrastRatio(userColorFor(color, 'dark'), DARK_BG)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(userColorFor(color, 'light'), LIGHT_BG), name).toBeGreaterThanOrEqual(4.5);
  }
  expect(userColorFor('red; background: url(x)', 'light')).toBe('');
});
