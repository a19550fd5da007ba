import { createStore, type StoreApi } from 'zustand/vanilla';
import { compareCursors, cursorEpoch } from '@/lib/sse/cursor';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { summarize } from './feed-summary';
import { FeedTracks } from './feed-tracks';
import type { FeedTrack } from './merge';
import type { CommitResult, FeedSummary, Incoming, LostSpan, MetricsState } from './metrics-state';
import type { SeriesWindow, SeriesWindowOptions } from './series-window';

/**
 * The dashboard's data: a zustand vanilla store (no React here; the hooks are in lib/live).
 *
 * React-facing state is small and made of primitives (per-feed summaries, counters, cursor),
 * published once per committed batch. The point windows live in mutable columnar `SeriesWindow`s
 * beside the state, read by the charts when a feed's `revision` changes (zustand's "transient
 * updates"): no React render per point. The store knows nothing of connections: it applies what
 * it is given and says what it would need (`CommitResult.newGaps`, `resumeCursor()`).
 */

/** Lost spans kept for the charts (they show 5 minutes; older spans scroll out anyway). */
export const MAX_LOST_SPANS = 50;

export interface MetricsStoreOptions extends SeriesWindowOptions {
  /** Feeds shown before any data arrives. Others are accepted when they appear. Default none. */
  feeds?: readonly string[];
  /**
   * Recent history, loaded *into the initial state*: server rendering and hydration see the same
   * data (zustand renders `getInitialState()` on the server), and a snapshot is not a reset.
   * Default none.
   */
  snapshot?: WireSnapshot;
  /** Client clock. Defaults to `Date.now`. */
  now?: () => number;
}

export interface MetricsStore {
  readonly api: StoreApi<MetricsState>;
  /** The window of one feed (created empty for a feed not seen yet). */
  series(feed: string): SeriesWindow;
  /** Applies a batch in order and publishes one state update. */
  commit(items: readonly Incoming[]): CommitResult;
  /** Where a resume should start: before the oldest open hole, else the last applied event. A pure read. */
  resumeCursor(): string | null;
  /**
   * Says that a resume from `resumeCursor()` was asked for the holes open now. Its answer brings
   * each feed in seq order from before them, so once it brings a point past a hole, the missing
   * points are given up: the feed advances, `counters.lost` counts them and `lostSpans` shows
   * where. Without this call a hole waits (a reorder may still fill it), bounded by `MAX_PENDING`.
   */
  resumeAsked(): void;
  /**
   * The epoch of the data that follows (from `hello`); kept until a reset proves a restart, or
   * taken at once while the store holds nothing. Metrics of another epoch are not applied.
   */
  setEpoch(epoch: string): void;
  /**
   * Merges a snapshot (`GET /api/snapshot`) into what is held, for a tab that missed events and
   * cannot get them otherwise (a follower whose leader no longer has them). Same epoch: the
   * points not applied yet are applied like stream events (holes fill, nothing is a duplicate,
   * nothing counts as a reset). Another epoch, or a window that no longer reaches back to what
   * is held (history lost in between), cannot be merged honestly: it is applied as a reset. A
   * store that holds nothing yet (the page rendered without data) takes it as its first data:
   * not a reset, since nothing is replaced and nothing lost.
   */
  mergeSnapshot(snapshot: WireSnapshot): CommitResult;
}

/** Whether `next` comes after `current`; a cursor that cannot be ordered against it (none yet, another epoch) counts as after. */
const isAfter = (next: string, current: string | null) =>
  current === null || (compareCursors(next, current) ?? 1) === 1;

export function createMetricsStore(options: MetricsStoreOptions = {}): MetricsStore {
  const now = options.now ?? Date.now;
  const tracks = new FeedTracks(options.feeds ?? [], options);
  if (options.snapshot) tracks.load(options.snapshot, new Set(), now());
  const summaries = (revision: number): Record<string, FeedSummary> =>
    Object.fromEntries([...tracks.entries()].map(([feed, track]) => [feed, summarize(track, revision)]));

  const api = createStore<MetricsState>()(() => ({
    feeds: summaries(0),
    counters: { eventsApplied: 0, duplicatesDropped: 0, gaps: 0, resets: 0, lost: 0 },
    lostSpans: [],
    epoch: options.snapshot?.epoch ?? null,
    cursor: options.snapshot?.cursor ?? null,
    lastEventTs: null,
    lastEventAt: null,
  }));

  const holdsNothing = () => [...tracks.entries()].every(([, track]) => !track.started);

  function commit(items: readonly Incoming[]): CommitResult {
    const result: CommitResult = { resets: [], newGaps: [] };
    if (items.length === 0) return result;
    const state = api.getState();
    const counters = { ...state.counters };
    const touched = new Set<string>();
    let { lastEventTs, epoch, cursor } = state;
    const lost: LostSpan[] = [];
    const takeLosses = (feed: string, track: FeedTrack) => {
      for (const run of track.takeLosses()) {
        counters.lost += run.points;
        lost.push({ feed, ...run });
      }
    };

    let loaded = false;
    for (const item of items) {
      if (item.kind === 'reset') {
        // A store that holds nothing yet (a page rendered without data, whose follower tab then
        // loads a snapshot) replaces nothing and loses nothing: its first data, not a reset.
        const first = cursor === null && holdsNothing();
        const lostMs = tracks.load(item.reset, touched, now());
        // A feed the reset does not list gives up its holes (feed-tracks.ts).
        for (const [feed, track] of tracks.entries()) takeLosses(feed, track);
        epoch = item.reset.epoch;
        cursor = item.reset.cursor;
        loaded = true;
        if (first) continue;
        counters.resets += 1;
        result.resets.push({ reason: item.reset.reason, lostMs });
        continue;
      }
      // Another epoch than the data held: its seq counts in another numbering until that epoch's
      // reset is applied (a follower can hear a restarted server's events before the reset, and
      // a late event of an epoch already left can arrive after it). Its epoch's reset, or the
      // catch-up that brings it, delivers it again.
      const epochOf = cursorEpoch(item.cursor);
      if (tracks.dataEpoch !== null && epochOf !== null && epochOf !== tracks.dataEpoch) continue;
      const track = tracks.get(item.event.feed);
      const { applied, duplicate } = track.apply(item.event, item.cursor);
      if (duplicate) counters.duplicatesDropped += 1;
      takeLosses(item.event.feed, track);
      if (applied > 0) {
        counters.eventsApplied += applied;
        touched.add(item.event.feed);
        // A hole that fills applies points older than what other feeds applied since: the
        // cursor only moves forward (cursors of one epoch are ordered; another epoch follows its reset).
        if (!track.hasHole && track.lastCursor !== null && isAfter(track.lastCursor, cursor)) cursor = track.lastCursor;
        lastEventTs = Math.max(lastEventTs ?? 0, track.lastTs ?? 0);
      }
    }

    for (const feed of touched) tracks.get(feed).series.trim();
    result.newGaps = tracks.takeNewGaps();
    counters.gaps += result.newGaps.length;
    const feeds = { ...state.feeds };
    for (const feed of touched) feeds[feed] = summarize(tracks.get(feed), (state.feeds[feed]?.revision ?? 0) + 1);
    const changed = counters.eventsApplied !== state.counters.eventsApplied || loaded;
    api.setState({
      feeds: touched.size ? feeds : state.feeds,
      counters,
      lostSpans: lost.length ? [...state.lostSpans, ...lost].slice(-MAX_LOST_SPANS) : state.lostSpans,
      epoch,
      cursor,
      lastEventTs,
      lastEventAt: changed ? now() : state.lastEventAt,
    });
    return result;
  }

  function mergeSnapshot(snapshot: WireSnapshot): CommitResult {
    const items: Extract<Incoming, { kind: 'metric' }>[] = [];
    const sameEpoch = api.getState().epoch === snapshot.epoch;
    let bridged = sameEpoch;
    for (const [feed, window] of Object.entries(snapshot.feeds)) {
      const track = tracks.get(feed);
      const newest = window.firstSeq + window.ts.length - 1;
      if (track.started && newest > track.lastSeq && window.firstSeq > track.lastSeq + 1) bridged = false;
      window.ts.forEach((ts, i) => {
        const seq = window.firstSeq + i;
        const value = window.value[i] ?? 0;
        // Only what is missing: what is held (or waits behind a hole) would count as a duplicate.
        if (!track.started || (seq > track.lastSeq && !track.pending.has(seq)))
          items.push({ kind: 'metric', event: { feed, seq, ts, value }, cursor: snapshot.cursor });
      });
    }
    if (!bridged)
      return commit([
        { kind: 'reset', reset: { ...snapshot, reason: sameEpoch ? 'cursor_evicted' : 'epoch_changed' } },
      ]);
    // In time order, as the stream would have delivered them.
    items.sort((a, b) => a.event.ts - b.event.ts);
    return commit(items);
  }

  return {
    api,
    series: (feed) => tracks.get(feed).series,
    commit,
    mergeSnapshot,
    resumeCursor: () => tracks.cursorBeforeOldestHole() ?? api.getState().cursor,
    resumeAsked() {
      for (const [, track] of tracks.entries()) track.askResume();
    },
    setEpoch(epoch) {
      // Data held keeps its epoch until a reset; a store that holds nothing takes the stream's.
      if (api.getState().cursor === null) tracks.dataEpoch = epoch;
      else tracks.dataEpoch ??= epoch;
      if (api.getState().epoch !== epoch) api.setState({ epoch });
    },
  };
}
