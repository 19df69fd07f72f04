/**
 * WCAG contrast helpers. User colours come from the server, chosen readable on the dark
 * background (#0b0f0c); on the light theme each is darkened, keeping its hue, until it reads
 * at AA (4.5:1) against the light background.
 */
export const DARK_BG = '#0b0f0c';
export const LIGHT_BG = '#eef4e6';
export const AA = 4.5;

const HEX = /^#[0-9a-f]{6}$/i;

export function isHexColor(value: string): boolean {
  return HEX.test(value);
}

function channels(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb
    .map((c) =>
      Math.round(Math.max(0, Math.min(255, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The colour itself if it already reads on `bg`, else the first darker shade of it that does. */
export function darkenUntilReadable(hex: string, bg: string = LIGHT_BG, min: number = AA): string {
  if (!isHexColor(hex)) return '#000000';
  const rgb = channels(hex);
  for (let k = 1; k >= 0; k -= 0.04) {
    const shade = toHex(rgb.map((c) => c * k));
    if (contrastRatio(shade, bg) >= min) return shade;
  }
  return '#000000';
}

const cache = new Map<string, string>();

/** The colour to show a user's name in, for the given theme. */
export function userColorFor(hex: string, theme: 'dark' | 'light'): string {
  if (!isHexColor(hex)) return '';
  if (theme === 'dark') return hex;
  let light = cache.get(hex);
  if (light === undefined) {
    light = darkenUntilReadable(hex);
    if (cache.size > 1000) cache.clear();
    cache.set(hex, light);
  }
  return light;
}
