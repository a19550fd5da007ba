import { describe, expect, it } from 'vitest';
import { createChartView, rangeLabel } from './view';

describe('createChartView', () => {
  it('offers only the ranges the store window can fill, defaulting to 5 min', () => {
    const view = createChartView(300_000);
    expect(view.ranges).toEqual([60_000, 300_000]);
    expect(view.store.getState()).toEqual({ rangeMs: 300_000, pausedAt: null });
    expect(createChartView(900_000).ranges).toEqual([60_000, 300_000, 900_000]);
  });

  it('falls back to the window itself when it is shorter than every choice', () => {
    const view = createChartView(30_000);
    expect(view.ranges).toEqual([]);
    expect(view.store.getState().rangeMs).toBe(30_000);
    expect(rangeLabel(30_000)).toBe('30 s');
  });
});
