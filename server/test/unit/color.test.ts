import { expect, it } from 'vitest';
import { CHAT_BACKGROUND, contrastRatio, userColor } from '../../src/core/color.js';

it('gives every username a deterministic colour that passes WCAG AA on the chat background', () => {
  const names = Array.from({ length: 500 }, (_, i) => `user_${i.toString(36)}`);
  const colors = new Set<string>();
  for (const name of names) {
    const color = userColor(name);
    expect(color).toMatch(/^#[0-9a-f]{6}$/);
    expect(contrastRatio(color, CHAT_BACKGROUND)).toBeGreaterThanOrEqual(4.5);
    expect(userColor(name)).toBe(color);
    expect(userColor(name.toUpperCase())).toBe(color);
    colors.add(color);
  }
  expect(colors.size).toBeGreaterThan(100);
});

it('computes known contrast ratios', () => {
  expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
  expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
});
