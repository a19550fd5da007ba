import { describe, expect, it } from 'vitest';
import type { FeedName } from '@/lib/metrics/feeds';
import type { TsOrder } from './bus';
import { orderTimes } from './ts-order';

const point = (feed: FeedName, ts: number, order: TsOrder = 'exact') => ({ feed, ts, order });

describe('orderTimes', () => {
  it('keeps times that do not go back, per feed', () => {
    const newest = new Map<FeedName, number>([['cpu', 10]]);
    const result = orderTimes([point('cpu', 10), point('memory', 5), point('cpu', 11)], (f) => newest.get(f));
    expect(result).toEqual({ ts: [10, 5, 11], late: [] });
  });

  it('lifts a lift-point to its feed newest time, in the log or earlier in the batch', () => {
    const result = orderTimes([point('cpu', 20), point('cpu', 15, 'lift'), point('rps', 1, 'lift')], (f) =>
      f === 'rps' ? 3 : undefined,
    );
    expect(result).toEqual({ ts: [20, 20, 3], late: [] });
  });

  it('refuses an exact point older than its feed newest, naming that time', () => {
    const result = orderTimes([point('cpu', 8), point('cpu', 30), point('cpu', 25)], () => 9);
    expect(result.late).toEqual([
      { index: 0, newestTs: 9 },
      { index: 2, newestTs: 30 },
    ]);
  });
});
