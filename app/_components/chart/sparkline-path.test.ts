import { describe, expect, it } from 'vitest';
import { SPARKLINE_MAX_POINTS, sparklinePath } from './sparkline-path';

describe('sparklinePath', () => {
  it('is empty without points', () => {
    expect(sparklinePath([], [])).toBe('');
  });

  it('maps time to x and value to y, lowest value at the bottom', () => {
    expect(sparklinePath([0, 50, 100], [0, 10, 5])).toBe('M0 120 L150 0 L300 60');
  });

  it('draws a single point or a flat line in the middle', () => {
    expect(sparklinePath([7], [3])).toBe('M300 60');
    expect(sparklinePath([0, 1], [2, 2])).toBe('M0 60 L300 60');
  });

  it('thins long windows to a bounded number of points, ending on the newest', () => {
    const ts = Array.from({ length: 3000 }, (_, i) => i);
    const path = sparklinePath(ts, ts);
    const points = path.split(' L');
    expect(points).toHaveLength(SPARKLINE_MAX_POINTS + 1);
    expect(points.at(-1)).toBe('300 0');
  });
});
