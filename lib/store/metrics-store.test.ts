import { describe, expect, it, vi } from 'vitest';
import type { FeedName } from '@/lib/metrics/feeds';
import type { MetricEvent, ResetData, Snapshot } from '@/lib/metrics/events';
import { createMetricsStore, type Incoming } from './metrics-store';

const FEEDS: FeedName[] = ['cpu', 'rps'];
const m = (feed: FeedName, seq: number, offset: number, epoch = 'ep1'): Incoming => ({
  kind: 'metric',
  event: { feed, seq, ts: seq * 1000, value: seq } satisfies MetricEvent,
  cursor: `${epoch}.${offset}`,
});
const snapshot = (epoch: string, cursor: string, firstSeq: number, ts: number[]): Snapshot => ({
  epoch,
  cursor,
  windowMs: 300_000,
  feeds: { cpu: { firstSeq, ts, value: ts.map(() => 1) }, rps: { firstSeq, ts, value: ts.map(() => 2) } },
});

function setup(now = () => 100_000) {
  const onGap = vi.fn();
  const store = createMetricsStore(FEEDS, { now, onGap });
  store.hydrate(snapshot('ep1', 'ep1.4', 1, [1000, 2000]));
  return { store, onGap, state: () => store.api.getState() };
}

describe('metrics store', () => {
  it('hydrates from a snapshot: windows, summaries and the cursor, without counting a reset', () => {
    const { store, state } = setup();
    expect(store.series('cpu').ts).toEqual([1000, 2000]);
    expect(state().feeds.cpu).toMatchObject({ lastSeq: 2, lastValue: 1, points: 2 });
    expect(state().cursor).toBe('ep1.4');
    expect(state().counters).toEqual({ eventsApplied: 0, duplicatesDropped: 0, gaps: 0, resets: 0 });
  });

  it('applies a batch as one state update and counts duplicates', () => {
    const { store, state } = setup();
    const listener = vi.fn();
    store.api.subscribe(listener);
    store.commit([m('cpu', 3, 5), m('rps', 3, 6), m('cpu', 3, 5), m('cpu', 2, 3)]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(state().counters).toMatchObject({ eventsApplied: 2, duplicatesDropped: 2, gaps: 0 });
    expect(state().cursor).toBe('ep1.6');
    expect(state().feeds.cpu.revision).toBe(2);
    expect(store.series('cpu').ts).toEqual([1000, 2000, 3000]);
  });

  it('a gap is counted once, asks for a resume, and is healed by the replay', () => {
    const { store, state, onGap } = setup();
    store.commit([m('cpu', 3, 5), m('rps', 3, 6)]);
    // cpu seq 4 (offset 7) never arrives; 5 does.
    store.commit([m('rps', 4, 8), m('cpu', 5, 9), m('rps', 5, 10)]);
    store.commit([m('cpu', 6, 11)]);
    expect(state().counters.gaps).toBe(1);
    expect(onGap).toHaveBeenCalledTimes(1);
    expect(onGap).toHaveBeenCalledWith('cpu');
    expect(state().feeds.cpu.lastSeq).toBe(3);
    // Resume from just before the hole, not from the newest event.
    expect(store.resumeCursor()).toBe('ep1.5');
    // The replay from ep1.5: cpu 4..6 fill the hole; rps repeats are duplicates.
    store.commit([m('rps', 4, 8), m('cpu', 4, 7), m('rps', 5, 10)]);
    expect(state().feeds.cpu.lastSeq).toBe(6);
    expect(store.series('cpu').ts).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(store.resumeCursor()).toBe('ep1.11');
    expect(state().counters.gaps).toBe(1);
  });

  it('a reorder healed within one batch is not a gap', () => {
    const { store, state, onGap } = setup();
    store.commit([m('cpu', 4, 7), m('cpu', 3, 5)]);
    expect(state().counters.gaps).toBe(0);
    expect(onGap).not.toHaveBeenCalled();
    expect(state().feeds.cpu.lastSeq).toBe(4);
  });

  it('a reset replaces the windows and reports the history that could not be recovered', () => {
    const { store, state } = setup();
    store.commit([m('cpu', 3, 5), m('rps', 3, 6)]);
    const reset: ResetData = { reason: 'epoch_changed', ...snapshot('ep2', 'ep2.6', 1, [15_000, 16_000, 17_000]) };
    const [outcome] = store.commit([{ kind: 'reset', reset }]);
    // Our last point was at 3 s, the new server's first at 15 s: across a restart all 12 s are lost.
    expect(outcome).toEqual({ reason: 'epoch_changed', lostMs: 12_000 });
    expect(state()).toMatchObject({ epoch: 'ep2', cursor: 'ep2.6', counters: { resets: 1 } });
    // History from before the restart stays; the snapshot follows the hole.
    expect(store.series('cpu').ts).toEqual([1000, 2000, 3000, 15_000, 16_000, 17_000]);
    // Seqs restart with the new epoch.
    store.commit([m('cpu', 4, 7, 'ep2')]);
    expect(state().feeds.cpu.lastSeq).toBe(4);
  });

  it('within one epoch, a normal interval between our last point and the snapshot is no loss', () => {
    const { store } = setup();
    const reset: ResetData = { reason: 'cursor_evicted', ...snapshot('ep1', 'ep1.20', 10, [3000, 4000, 5000]) };
    expect(store.commit([{ kind: 'reset', reset }])).toEqual([{ reason: 'cursor_evicted', lostMs: 0 }]);
  });

  it('reports nothing lost when the reset snapshot still covers our last point', () => {
    const { store } = setup();
    const reset: ResetData = { reason: 'cursor_evicted', ...snapshot('ep1', 'ep1.20', 1, [1000, 2000, 3000, 4000]) };
    expect(store.commit([{ kind: 'reset', reset }])).toEqual([{ reason: 'cursor_evicted', lostMs: 0 }]);
  });

  it('keeps memory bounded however long it runs', () => {
    const store = createMetricsStore(['cpu'], { windowMs: 60_000_000, maxPoints: 100 });
    for (let batch = 0; batch < 200; batch += 1) {
      store.commit(Array.from({ length: 50 }, (_, i) => m('cpu', batch * 50 + i + 1, batch * 50 + i + 1)));
    }
    expect(store.series('cpu').length).toBe(100);
    expect(store.api.getState().counters.eventsApplied).toBe(10_000);
  });

  it('tracks outages for the charts', () => {
    const { store, state } = setup();
    store.outageStarted(5);
    store.outageStarted(6);
    store.outageEnded(9);
    store.outageEnded(10);
    expect(state().outages).toEqual([{ from: 5, to: 9 }]);
  });
});
