import { describe, expect, it } from 'vitest';
import type { FeedName } from '@/lib/metrics/feeds';
import type { TsOrder } from './bus';
import { orderTimes } from './ts-order';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

const point = (feed: FeedName, ts: number, order: TsOrder = 'exact') => ({ feed, ts, order });

describe('orderTimes', () => {
  it('keeps times that do not go back, per feed', () => {
    const newest = new Map<FeedName, number>([[FEED_A, 10]]);
    const result = orderTimes([point(FEED_A, 10), point(FEED_B, 5), point(FEED_A, 11)], (f) => newest.get(f));
    expect(result).toEqual({ ts: [10, 5, 11], late: [] });
  });

  it('lifts a lift-point to its feed newest time, in the log or earlier in the batch', () => {
    const result = orderTimes([point(FEED_A, 20), point(FEED_A, 15, 'lift'), point(FEED_B, 1, 'lift')], (f) =>
      f === FEED_B ? 3 : undefined,
    );
    expect(result).toEqual({ ts: [20, 20, 3], late: [] });
  });

  it('refuses an exact point older than its feed newest, naming that time', () => {
    const result = orderTimes([point(FEED_A, 8), point(FEED_A, 30), point(FEED_A, 25)], () => 9);
    expect(result.late).toEqual([
      { index: 0, newestTs: 9 },
      { index: 2, newestTs: 30 },
    ]);
  });
});
