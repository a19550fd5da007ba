import { describe, expect, it } from 'vitest';
import { feedColor } from './palette';

describe('feedColor', () => {
  it('starts with the curated colours', () => {
    expect([0, 1, 7].map(feedColor)).toEqual(['#0ea5e9', '#8b5cf6', '#ec4899']);
  });

  it('gives any number of feeds a distinct #rrggbb colour', () => {
    const colors = Array.from({ length: 200 }, (_, i) => feedColor(i));
    for (const color of colors) expect(color).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(colors).size).toBe(200);
  });

  it('computes hues beyond the curated set (checked by hand for index 8)', () => {
    // Index 8: hue 8 × 137.508 mod 360 = 20.064°: an orange-red.
    expect(feedColor(8)).toBe('#d2642d');
  });
});
