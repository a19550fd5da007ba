import { describe, expect, it } from 'vitest';
import { summarize } from './feed-summary';
import { FeedTrack } from './merge';

describe('summarize', () => {
  it('is empty before any point', () => {
    expect(summarize(new FeedTrack(), 0)).toEqual({
      lastSeq: 0,
      lastValue: null,
      trendFrom: null,
      points: 0,
      revision: 0,
    });
  });

  it('takes the trend from the oldest point within the last minute', () => {
    const track = new FeedTrack();
    track.load({ firstSeq: 1, ts: [0, 30_000, 61_000, 90_000], value: [1, 2, 3, 4] }, 'e.4');
    // 90 s − 60 s = 30 s: the point at 30 s is the oldest one within the minute.
    expect(summarize(track, 7)).toEqual({ lastSeq: 4, lastValue: 4, trendFrom: 2, points: 4, revision: 7 });
  });
});
