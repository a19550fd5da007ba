import { describe, expect, it } from 'vitest';
import type { WireSnapshot } from '@/lib/sse/payloads';
import type { Incoming } from './metrics-state';
import { createMetricsStore } from './metrics-store';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

/** `mergeSnapshot`: a follower's catch-up from `GET /api/snapshot` when its leader cannot fill a hole. */

const m = (feed: string, seq: number, epoch = 'ep1'): Incoming => ({
  kind: 'metric',
  event: { feed, seq, ts: seq * 1000, value: seq },
  cursor: `${epoch}.${seq * 2}`,
});
const snapshot = (epoch: string, firstSeq: number, lastSeq: number): WireSnapshot => {
  const seqs = Array.from({ length: lastSeq - firstSeq + 1 }, (_, i) => firstSeq + i);
  const window = { firstSeq, ts: seqs.map((seq) => seq * 1000), value: seqs };
  return { epoch, cursor: `${epoch}.${lastSeq * 2}`, windowMs: 300_000, feeds: { [FEED_A]: window, [FEED_B]: window } };
};

function setup() {
  const store = createMetricsStore({ feeds: [FEED_A, FEED_B], snapshot: snapshot('ep1', 1, 3), now: () => 50_000 });
  return { store, state: () => store.api.getState() };
}

describe('mergeSnapshot', () => {
  it('same epoch: applies only what is missing, fills the hole, and is not a reset nor a duplicate', () => {
    const { store, state } = setup();
    // Seqs 4–6 were missed; 7 arrived live and waits behind the hole.
    expect(store.commit([m(FEED_A, 7)]).newGaps).toEqual([FEED_A]);
    const result = store.mergeSnapshot(snapshot('ep1', 1, 6));
    expect(result).toEqual({ resets: [], newGaps: [] });
    expect(state().counters).toMatchObject({ resets: 0, duplicatesDropped: 0, gaps: 1 });
    expect(state().feeds[FEED_A]).toMatchObject({ lastSeq: 7 });
    expect(state().feeds[FEED_B]).toMatchObject({ lastSeq: 6 });
    expect(store.series(FEED_A).ts).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000]);
    expect(store.resumeCursor()).not.toBeNull();
  });

  it('same epoch but the window no longer reaches back: applied as a reset (history was lost)', () => {
    const { store, state } = setup();
    expect(store.mergeSnapshot(snapshot('ep1', 10, 12)).resets).toEqual([
      { reason: 'cursor_evicted', lostMs: expect.any(Number) as number },
    ]);
    expect(state().counters.resets).toBe(1);
    expect(state().feeds[FEED_A]).toMatchObject({ lastSeq: 12 });
  });

  it('another epoch: replaces what is held', () => {
    const { store, state } = setup();
    expect(store.mergeSnapshot(snapshot('ep2', 1, 2)).resets.map((r) => r.reason)).toEqual(['epoch_changed']);
    expect(state()).toMatchObject({ epoch: 'ep2', cursor: 'ep2.4' });
    expect(store.series(FEED_A).ts).toEqual([1000, 2000]);
  });

  it('a snapshot older than what is held changes nothing', () => {
    const { store, state } = setup();
    const before = state().counters;
    expect(store.mergeSnapshot(snapshot('ep1', 1, 2))).toEqual({ resets: [], newGaps: [] });
    expect(state().counters).toEqual(before);
  });
});

describe('mergeSnapshot into a store that holds nothing (a page rendered without data)', () => {
  it('takes the snapshot as its first data: not a reset, and what follows applies without a gap', () => {
    const store = createMetricsStore({ feeds: [FEED_A, FEED_B], now: () => 50_000 });
    expect(store.mergeSnapshot(snapshot('ep1', 1, 3))).toEqual({ resets: [], newGaps: [] });
    expect(store.api.getState()).toMatchObject({
      epoch: 'ep1',
      cursor: 'ep1.6',
      counters: { resets: 0, gaps: 0, lost: 0 },
      lastEventAt: 50_000,
    });
    expect(store.series(FEED_A).ts).toEqual([1000, 2000, 3000]);
    // The live events that waited for it: older ones are duplicates, the next one follows.
    expect(store.commit([m(FEED_A, 3), m(FEED_A, 4)])).toEqual({ resets: [], newGaps: [] });
    expect(store.api.getState().counters).toMatchObject({ resets: 0, gaps: 0, duplicatesDropped: 1 });
    expect(store.series(FEED_A).ts).toEqual([1000, 2000, 3000, 4000]);
  });

  it('a reset after it is one: the store then holds data', () => {
    const store = createMetricsStore({ feeds: [FEED_A, FEED_B], now: () => 50_000 });
    store.mergeSnapshot(snapshot('ep1', 1, 3));
    expect(store.mergeSnapshot(snapshot('ep2', 1, 2)).resets.map((r) => r.reason)).toEqual(['epoch_changed']);
    expect(store.api.getState().counters.resets).toBe(1);
  });
});
