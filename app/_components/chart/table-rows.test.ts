import { describe, expect, it } from 'vitest';
import { tableRows } from './table-rows';

describe('tableRows', () => {
  it('lists the newest point, then one per interval back in time', () => {
    const ts = Array.from({ length: 101 }, (_, i) => i * 100); // 10 s at 10 Hz
    const values = ts.map((t) => t / 100);
    expect(tableRows(ts, values, { everyMs: 2500 })).toEqual([
      { ts: 10_000, value: 100 },
      { ts: 7_500, value: 75 },
      { ts: 5_000, value: 50 },
      { ts: 2_500, value: 25 },
      { ts: 0, value: 0 },
    ]);
  });

  it('stops at the row limit, and skips across a gap without inventing points', () => {
    expect(tableRows([0, 1000, 2000, 3000], [1, 2, 3, 4], { rows: 2, everyMs: 1000 })).toEqual([
      { ts: 3000, value: 4 },
      { ts: 2000, value: 3 },
    ]);
    expect(tableRows([0, 60_000], [1, 2])).toEqual([
      { ts: 60_000, value: 2 },
      { ts: 0, value: 1 },
    ]);
    expect(tableRows([], [])).toEqual([]);
  });
});
