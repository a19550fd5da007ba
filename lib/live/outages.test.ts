import { describe, expect, it } from 'vitest';
import { closeOutage, feedSpans, fillOutage, longestFilledMs, MAX_OUTAGES, openOutage, type Outage } from './outages';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

describe('outages', () => {
  it('opens one at a time and closes the open one', () => {
    let list: readonly Outage[] = [];
    list = openOutage(list, 5, { [FEED_A]: 4 });
    const open = list;
    expect(openOutage(open, 6, { [FEED_A]: 5 })).toBe(open);
    list = closeOutage(list, 9);
    expect(closeOutage(list, 10)).toBe(list);
    expect(list).toEqual([{ from: 5, to: 9, lastBefore: { [FEED_A]: 4 }, filled: {} }]);
  });

  it('keeps only the most recent ones', () => {
    let list: readonly Outage[] = [];
    for (let i = 0; i < MAX_OUTAGES + 5; i += 1) list = closeOutage(openOutage(list, i, {}), i + 0.5);
    expect(list).toHaveLength(MAX_OUTAGES);
    expect(list[0]).toMatchObject({ from: 5, to: 5.5 });
  });

  it('measures what the recovery filled in from the data, per feed, not from the connection', () => {
    // Data stopped at 10 s; the stall was noticed at 13 s and the stream came back at 48 s, with
    // 38 points per feed replayed (11 s … 48 s): 38 s of data, not the 35 s the link was down.
    let list = closeOutage(openOutage([], 13_000, { [FEED_A]: 10_000, [FEED_B]: 10_000, idle: 5000 }), 48_000);
    const last: Record<string, number> = { [FEED_A]: 48_000, [FEED_B]: 48_000, idle: 5000 };
    const result = fillOutage(list, (feed) => last[feed]);
    list = result.outages;
    expect(result.filled).toEqual({ [FEED_A]: { from: 10_000, to: 48_000 }, [FEED_B]: { from: 10_000, to: 48_000 } });
    expect(longestFilledMs(result.filled)).toBe(38_000);
    expect(list[0]?.filled).toEqual(result.filled);
    expect(feedSpans(list, FEED_A)).toEqual([{ from: 10_000, to: 48_000 }]);
    // A feed the recovery brought nothing for has nothing to shade.
    expect(feedSpans(list, 'idle')).toEqual([]);
  });

  it('shades an outage in progress from where each feed stopped', () => {
    const list = openOutage([], 13_000, { [FEED_A]: 10_000 });
    expect(feedSpans(list, FEED_A)).toEqual([{ from: 10_000, to: null }]);
    expect(feedSpans(list, 'new_feed')).toEqual([{ from: 13_000, to: null }]);
    expect(fillOutage(list, () => 20_000).filled).toEqual({});
  });

  it('measures nothing without a closed outage, and 0 when nothing was filled', () => {
    expect(fillOutage([], () => 1).filled).toEqual({});
    expect(longestFilledMs({})).toBe(0);
  });
});
