import { describe, expect, it } from 'vitest';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { FeedTracks } from './feed-tracks';
import { FEED_A } from '@/lib/testing/catalogue';

const metric = (feed: string, seq: number) => ({ feed, seq, ts: seq * 1000, value: seq });
const snapshot = (epoch: string, feeds: WireSnapshot['feeds']): WireSnapshot => ({
  epoch,
  cursor: `${epoch}.9`,
  windowMs: 60_000,
  feeds,
});

describe('FeedTracks', () => {
  it('creates a track for a feed on first sight, once', () => {
    const tracks = new FeedTracks([FEED_A], {});
    expect([...tracks.entries()].map(([feed]) => feed)).toEqual([FEED_A]);
    expect(tracks.get('new')).toBe(tracks.get('new'));
    expect([...tracks.entries()].map(([feed]) => feed)).toEqual([FEED_A, 'new']);
  });

  it('loads a snapshot into every listed feed, and measures the loss across a restart', () => {
    const tracks = new FeedTracks([], {});
    const touched = new Set<string>();
    expect(
      tracks.load(snapshot('ep1', { [FEED_A]: { firstSeq: 1, ts: [1000, 2000], value: [1, 2] } }), touched, 0),
    ).toBe(0);
    expect([...touched]).toEqual([FEED_A]);
    expect(tracks.get(FEED_A).lastSeq).toBe(2);
    // A new epoch whose history starts 8 s after our last point: all 8 s are lost.
    const lost = tracks.load(snapshot('ep2', { [FEED_A]: { firstSeq: 1, ts: [10_000], value: [5] } }), touched, 0);
    expect(lost).toBe(8000);
    expect(tracks.dataEpoch).toBe('ep2');
  });

  it('reports each hole once, and resumes from before the oldest one', () => {
    const tracks = new FeedTracks(['a', 'b'], {});
    tracks.get('a').apply(metric('a', 1), 'e.1');
    tracks.get('b').apply(metric('b', 1), 'e.2');
    tracks.get('a').apply(metric('a', 3), 'e.5'); // a's hole: after a1 (ts 1000)
    tracks.get('b').apply(metric('b', 2), 'e.4');
    tracks.get('b').apply(metric('b', 4), 'e.6'); // b's hole: after b2 (ts 2000)
    expect(tracks.takeNewGaps()).toEqual(['a', 'b']);
    expect(tracks.takeNewGaps()).toEqual([]);
    expect(tracks.cursorBeforeOldestHole()).toBe('e.1');
    tracks.get('a').apply(metric('a', 2), 'e.3');
    expect(tracks.cursorBeforeOldestHole()).toBe('e.4');
  });

  it('has no resume point of its own without a hole', () => {
    const tracks = new FeedTracks(['a'], {});
    tracks.get('a').apply(metric('a', 1), 'e.1');
    expect(tracks.cursorBeforeOldestHole()).toBeNull();
  });

  it('a reset that does not list a feed with a hole leaves no resume point in the old epoch', () => {
    const tracks = new FeedTracks(['a', 'b'], {});
    tracks.get('a').apply(metric('a', 1), 'ep1.1');
    tracks.get('a').apply(metric('a', 3), 'ep1.3'); // a's hole: a2 never came
    tracks.get('b').apply(metric('b', 1), 'ep1.2');
    expect(tracks.cursorBeforeOldestHole()).toBe('ep1.1');
    // A restart whose snapshot lists only b: a's hole can never be filled from ep1.
    tracks.load(snapshot('ep2', { b: { firstSeq: 1, ts: [5000], value: [1] } }), new Set(), 0);
    expect(tracks.cursorBeforeOldestHole()).toBeNull();
    // Seqs start over in the new epoch: a's next point is a new baseline, not a duplicate.
    expect(tracks.get('a').apply(metric('a', 1), 'ep2.10')).toEqual({ applied: 1, duplicate: false });
  });

  it('in the same epoch, a reset that does not list a feed gives up its holes (counted) and resumes after the reset', () => {
    const tracks = new FeedTracks(['a', 'b'], {});
    tracks.get('a').apply(metric('a', 1), 'ep1.1');
    tracks.get('a').apply(metric('a', 3), 'ep1.3');
    tracks.load(snapshot('ep1', { b: { firstSeq: 1, ts: [5000], value: [1] } }), new Set(), 0);
    expect(tracks.cursorBeforeOldestHole()).toBeNull();
    expect(tracks.get('a').lastSeq).toBe(3);
    expect(tracks.get('a').takeLosses()).toEqual([{ from: 1000, to: 3000, points: 1 }]);
    // A later hole in a resumes from the reset, not from before it.
    tracks.get('a').apply(metric('a', 5), 'ep1.12');
    expect(tracks.cursorBeforeOldestHole()).toBe('ep1.9');
  });
});
