import { describe, expect, it } from 'vitest';
import { chartSpans, gapThresholdMs, holeIndexes, isOverdue, MIN_GAP_MS } from './spans';

const seconds = (...s: number[]) => s.map((x) => x * 1000);

describe('gapThresholdMs', () => {
  it('is three mean intervals, never under the floor', () => {
    expect(gapThresholdMs(seconds(0, 1, 2, 3))).toBe(3000);
    expect(gapThresholdMs([0, 3, 6, 9])).toBe(MIN_GAP_MS);
    expect(gapThresholdMs([])).toBe(MIN_GAP_MS);
  });
});

describe('isOverdue', () => {
  it('is true once the silence since the last point would be a hole', () => {
    const ts = seconds(0, 1, 2, 3);
    expect(isOverdue(ts, 6000)).toBe(false);
    expect(isOverdue(ts, 6001)).toBe(true);
    expect(isOverdue([], 1e12)).toBe(false);
  });
});

describe('holeIndexes', () => {
  it('finds neighbours further apart than the threshold', () => {
    expect(holeIndexes(seconds(0, 1, 2, 10, 11), 3000)).toEqual([2]);
    expect(holeIndexes(seconds(0, 1, 2), 3000)).toEqual([]);
  });
});

describe('chartSpans', () => {
  it('a replayed outage is recovered, not lost', () => {
    const ts = seconds(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    const spans = chartSpans(ts, [{ from: 3000, to: 7000 }], 10_000, 0, 10_000);
    expect(spans).toEqual({ lost: [], recovered: [{ from: 3000, to: 7000 }], waiting: null });
  });

  it('a hole inside an outage is lost, and only the rest of the outage is recovered', () => {
    const ts = seconds(0, 1, 2, 3, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
    const spans = chartSpans(ts, [{ from: 2500, to: 10_000 }], 20_000, 0, 20_000);
    expect(spans.lost).toEqual([{ from: 3000, to: 9000 }]);
    expect(spans.recovered).toEqual([
      { from: 2500, to: 3000 },
      { from: 9000, to: 10_000 },
    ]);
  });

  it('an outage in progress waits from the last point to now, and is not lost yet', () => {
    const ts = seconds(0, 1, 2, 3);
    const spans = chartSpans(ts, [{ from: 3500, to: null }], 9000, 0, 9000);
    expect(spans).toEqual({ lost: [], recovered: [], waiting: { from: 3000, to: 9000 } });
  });

  it('ignores spans outside the view', () => {
    const ts = seconds(0, 1, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22);
    expect(chartSpans(ts, [{ from: 100, to: 200 }], 22_000, 12_000, 22_000)).toEqual({
      lost: [],
      recovered: [],
      waiting: null,
    });
  });
});
