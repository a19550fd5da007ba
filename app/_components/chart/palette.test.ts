import { describe, expect, it } from 'vitest';
import { chartTheme, feedColor } from './palette';

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

describe('chartTheme', () => {
  it('falls back to the light values without a document (server, tests)', () => {
    // slate-600 on white: 7.6:1, where the old slate-400 axis was 2.56:1.
    expect(chartTheme()).toEqual({ axis: '#475569', grid: 'rgba(71, 85, 105, 0.15)' });
  });
});
