import { describe, expect, it } from 'vitest';
import { lostBetween } from './history-loss';

describe('lostBetween', () => {
  it('is nothing without a last point, or when the snapshot covers it', () => {
    expect(lostBetween(null, [5000], false, 0)).toBe(0);
    expect(lostBetween(3000, [1000, 2000, 3000, 4000], false, 0)).toBe(0);
  });

  it('within one epoch, forgives one normal interval between our last point and the snapshot', () => {
    expect(lostBetween(2000, [3000, 4000, 5000], false, 0)).toBe(0);
    expect(lostBetween(2000, [6000, 7000], false, 0)).toBe(3000);
  });

  it('across a restart, counts the whole span', () => {
    expect(lostBetween(3000, [15_000, 16_000], true, 0)).toBe(12_000);
  });

  it('with an empty window (a server that just started), counts up to now', () => {
    expect(lostBetween(3000, [], true, 10_000)).toBe(7000);
  });
});
