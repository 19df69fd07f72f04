/**
 * A deterministic colour per username, readable (WCAG AA, contrast >= 4.5) on the client's dark
 * background. Derived from the verified username only, never from the client.
 */
export const CHAT_BACKGROUND = '#0b0f0c';
const MIN_CONTRAST = 4.5;

export function userColor(username: string): string {
  const hash = fnv1a(username.toLowerCase());
  const hue = hash % 360;
  const saturation = 55 + ((hash >>> 9) % 30);
  // Start mid-light and brighten until the contrast holds; on a near-black background this
  // terminates well before 100% lightness.
  for (let lightness = 55; lightness <= 100; lightness += 2) {
    const hex = hslToHex(hue, saturation, lightness);
    if (contrastRatio(hex, CHAT_BACKGROUND) >= MIN_CONTRAST) return hex;
  }
  return '#ffffff';
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function hslToHex(h: number, s: number, l: number): string {
  const sat = s / 100;
  const light = l / 100;
  const a = sat * Math.min(light, 1 - light);
  const channel = (n: number): string => {
    const k = (n + h / 30) % 12;
    const value = light - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

export function contrastRatio(hexA: string, hexB: string): number {
  const [la, lb] = [relativeLuminance(hexA), relativeLuminance(hexB)];
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

function relativeLuminance(hex: string): number {
  const value = Number.parseInt(hex.slice(1), 16);
  const rgb = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!;
}
