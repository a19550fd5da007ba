import { describe, expect, it, vi } from 'vitest';
import type { WireReset, WireSnapshot } from '@/lib/sse/payloads';
import type { Incoming } from './metrics-state';
import { createMetricsStore } from './metrics-store';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

const FEEDS = [FEED_A, FEED_B];
const m = (feed: string, seq: number, offset: number, epoch = 'ep1'): Incoming => ({
  kind: 'metric',
  event: { feed, seq, ts: seq * 1000, value: seq },
  cursor: `${epoch}.${offset}`,
});
const snapshot = (epoch: string, cursor: string, firstSeq: number, ts: number[]): WireSnapshot => ({
  epoch,
  cursor,
  windowMs: 300_000,
  feeds: { [FEED_A]: { firstSeq, ts, value: ts.map(() => 1) }, [FEED_B]: { firstSeq, ts, value: ts.map(() => 2) } },
});

function setup(now = () => 100_000) {
  const store = createMetricsStore({ feeds: FEEDS, snapshot: snapshot('ep1', 'ep1.4', 1, [1000, 2000]), now });
  return { store, state: () => store.api.getState() };
}

describe('metrics store', () => {
  it('starts from a snapshot in its initial state (what the server renders), without counting a reset', () => {
    const { store, state } = setup();
    expect(store.series(FEED_A).ts).toEqual([1000, 2000]);
    expect(store.api.getInitialState()).toBe(state());
    expect(state().feeds[FEED_A]).toEqual({ lastSeq: 2, lastValue: 1, trendFrom: 1, points: 2, revision: 0 });
    expect(state()).toMatchObject({ epoch: 'ep1', cursor: 'ep1.4', lastEventAt: null });
    expect(state().counters).toEqual({ eventsApplied: 0, duplicatesDropped: 0, gaps: 0, resets: 0, lost: 0 });
  });

  it('accepts a feed it was not told about, and shows announced feeds before any data', () => {
    const store = createMetricsStore({ feeds: [FEED_A] });
    expect(store.api.getState().feeds).toEqual({
      [FEED_A]: { lastSeq: 0, lastValue: null, trendFrom: null, points: 0, revision: 0 },
    });
    expect(store.commit([m('brand_new', 7, 1)])).toEqual({ resets: [], newGaps: [] });
    expect(store.api.getState().feeds.brand_new).toMatchObject({ lastSeq: 7, lastValue: 7, points: 1 });
    expect(store.series('brand_new').ts).toEqual([7000]);
  });

  it('applies a batch as one state update and counts duplicates', () => {
    const { store, state } = setup();
    const listener = vi.fn();
    store.api.subscribe(listener);
    store.commit([m(FEED_A, 3, 5), m(FEED_B, 3, 6), m(FEED_A, 3, 5), m(FEED_A, 2, 3)]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(state().counters).toMatchObject({ eventsApplied: 2, duplicatesDropped: 2, gaps: 0 });
    expect(state().cursor).toBe('ep1.6');
    expect(state().feeds[FEED_A]?.revision).toBe(1);
    expect(store.series(FEED_A).ts).toEqual([1000, 2000, 3000]);
  });

  it('a gap is counted once, reported for a resume, and is healed by the replay', () => {
    const { store, state } = setup();
    store.commit([m(FEED_A, 3, 5), m(FEED_B, 3, 6)]);
    // A's seq 4 (offset 7) never arrives; 5 does.
    expect(store.commit([m(FEED_B, 4, 8), m(FEED_A, 5, 9), m(FEED_B, 5, 10)]).newGaps).toEqual([FEED_A]);
    expect(store.commit([m(FEED_A, 6, 11)]).newGaps).toEqual([]);
    expect(state().counters.gaps).toBe(1);
    expect(state().feeds[FEED_A]?.lastSeq).toBe(3);
    // Resume from just before the hole, not from the newest event.
    expect(store.resumeCursor()).toBe('ep1.5');
    // The replay from ep1.5: A's 4..6 fill the hole; B's repeats are duplicates.
    store.commit([m(FEED_B, 4, 8), m(FEED_A, 4, 7), m(FEED_B, 5, 10)]);
    expect(state().feeds[FEED_A]?.lastSeq).toBe(6);
    expect(store.series(FEED_A).ts).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(store.resumeCursor()).toBe('ep1.11');
    expect(state().counters.gaps).toBe(1);
  });

  it('a reorder healed within one batch is not a gap', () => {
    const { store, state } = setup();
    expect(store.commit([m(FEED_A, 4, 7), m(FEED_A, 3, 5)]).newGaps).toEqual([]);
    expect(state().counters.gaps).toBe(0);
    expect(state().feeds[FEED_A]?.lastSeq).toBe(4);
  });

  it('a reset replaces the windows and reports the history that could not be recovered', () => {
    const { store, state } = setup();
    store.commit([m(FEED_A, 3, 5), m(FEED_B, 3, 6)]);
    const reset: WireReset = { reason: 'epoch_changed', ...snapshot('ep2', 'ep2.6', 1, [15_000, 16_000, 17_000]) };
    const [outcome] = store.commit([{ kind: 'reset', reset }]).resets;
    // Our last point was at 3 s, the new server's first at 15 s: across a restart all 12 s are lost.
    expect(outcome).toEqual({ reason: 'epoch_changed', lostMs: 12_000 });
    expect(state()).toMatchObject({ epoch: 'ep2', cursor: 'ep2.6', counters: { resets: 1 } });
    // History from before the restart stays; the snapshot follows the hole.
    expect(store.series(FEED_A).ts).toEqual([1000, 2000, 3000, 15_000, 16_000, 17_000]);
    // Seqs restart with the new epoch.
    store.commit([m(FEED_A, 4, 7, 'ep2')]);
    expect(state().feeds[FEED_A]?.lastSeq).toBe(4);
  });

  it('within one epoch, a normal interval between our last point and the snapshot is no loss', () => {
    const { store } = setup();
    const reset: WireReset = { reason: 'cursor_evicted', ...snapshot('ep1', 'ep1.20', 10, [3000, 4000, 5000]) };
    expect(store.commit([{ kind: 'reset', reset }]).resets).toEqual([{ reason: 'cursor_evicted', lostMs: 0 }]);
  });

  it('reports nothing lost when the reset snapshot still covers our last point', () => {
    const { store } = setup();
    const reset: WireReset = { reason: 'cursor_evicted', ...snapshot('ep1', 'ep1.20', 1, [1000, 2000, 3000, 4000]) };
    expect(store.commit([{ kind: 'reset', reset }]).resets).toEqual([{ reason: 'cursor_evicted', lostMs: 0 }]);
  });

  it('keeps memory bounded however long it runs', () => {
    const store = createMetricsStore({ feeds: [FEED_A], windowMs: 60_000_000, maxPoints: 100 });
    for (let batch = 0; batch < 200; batch += 1) {
      store.commit(Array.from({ length: 50 }, (_, i) => m(FEED_A, batch * 50 + i + 1, batch * 50 + i + 1)));
    }
    expect(store.series(FEED_A).length).toBe(100);
    expect(store.api.getState().counters.eventsApplied).toBe(10_000);
  });

  it('the resume cursor never goes backwards when a hole fills after other feeds moved on', () => {
    const { store, state } = setup();
    store.commit([m(FEED_A, 3, 5), m(FEED_B, 3, 6)]);
    // A's 4 (ep1.7) is missing; B goes on past A's 5.
    store.commit([m(FEED_B, 4, 8), m(FEED_A, 5, 9), m(FEED_B, 5, 10), m(FEED_B, 6, 11)]);
    expect(store.resumeCursor()).toBe('ep1.5');
    // A follower's catch-up brings only what it lacks: A's 4. A's 5 then drains behind it.
    store.commit([m(FEED_A, 4, 7)]);
    expect(state().feeds[FEED_A]?.lastSeq).toBe(5);
    expect(state().cursor).toBe('ep1.11');
    expect(store.resumeCursor()).toBe('ep1.11');
  });

  it('a reset that does not list a feed with an open hole resumes after the reset, not from the old epoch', () => {
    const { store, state } = setup();
    store.commit([m(FEED_A, 3, 5), m(FEED_A, 5, 9)]);
    expect(store.resumeCursor()).toBe('ep1.5');
    // The server restarted; its snapshot lists B only (A left the catalogue, or this scope).
    const reset: WireReset = { reason: 'epoch_changed', epoch: 'ep2', cursor: 'ep2.3', windowMs: 300_000, feeds: {} };
    store.commit([{ kind: 'reset', reset }]);
    expect(store.resumeCursor()).toBe('ep2.3');
    expect(state().cursor).toBe('ep2.3');
  });

  it("drops a metric of another epoch than the data held: its seq means nothing until that epoch's reset", () => {
    const { store, state } = setup();
    // A follower can hear a restarted server's event before it catches up with the reset.
    store.commit([m(FEED_A, 3, 3, 'ep2')]);
    expect(store.series(FEED_A).ts).toEqual([1000, 2000]);
    expect(state().feeds[FEED_A]?.lastSeq).toBe(2);
    // Then the reset (its window holds no point yet), and the same event once more: drawn once.
    const reset: WireReset = { reason: 'epoch_changed', ...snapshot('ep2', 'ep2.2', 3, []) };
    store.commit([{ kind: 'reset', reset }, m(FEED_A, 3, 3, 'ep2')]);
    expect(store.series(FEED_A).ts).toEqual([1000, 2000, 3000]);
    expect(state()).toMatchObject({ epoch: 'ep2', cursor: 'ep2.3' });
  });

  it('a store that holds nothing takes the epoch of the stream it joins', () => {
    const store = createMetricsStore({ feeds: [FEED_A] });
    store.setEpoch('ep1');
    // The server restarted before any event arrived: the next stream starts without a reset.
    store.setEpoch('ep2');
    store.commit([m(FEED_A, 1, 1, 'ep2')]);
    expect(store.api.getState().feeds[FEED_A]?.lastSeq).toBe(1);
  });
});
