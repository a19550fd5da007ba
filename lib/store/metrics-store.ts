import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FeedName } from '@/lib/metrics/feeds';
import type { MetricEvent, ResetData, Snapshot } from '@/lib/metrics/events';
import { FeedTrack } from './merge';
import type { SeriesWindow, SeriesWindowOptions } from './series-window';

/**
 * The dashboard's state: a zustand vanilla store (no React here; hooks are in use-metrics.ts).
 *
 * React-facing state is small and made of primitives (per-feed summaries, counters, connection
 * status), committed once per batch. The point windows themselves live in mutable columnar
 * `SeriesWindow`s outside the state, read by the charts on each commit (zustand's "transient
 * updates"): no React render per point. The store does not know where events come from.
 */

export interface FeedSummary {
  lastSeq: number;
  lastValue: number | null;
  /** Value about a minute before the last one, for the card's trend arrow. */
  trendFrom: number | null;
  points: number;
  /** Bumped on every commit that changed this feed's window: charts redraw on it. */
  revision: number;
}

export interface Counters {
  eventsApplied: number;
  duplicatesDropped: number;
  gaps: number;
  resets: number;
}

/** An interval without live data, shaded on the charts (`to` null while it lasts). */
export interface Outage {
  from: number;
  to: number | null;
}

export interface ResetOutcome {
  reason: ResetData['reason'];
  /** How much history could not be recovered, in ms (0 when the snapshot covered the outage). */
  lostMs: number;
}

export interface MetricsState {
  feeds: Record<FeedName, FeedSummary>;
  counters: Counters;
  epoch: string | null;
  /** Cursor of the last event applied: what a reconnect resumes from. */
  cursor: string | null;
  /** Server time of the last applied event (lag = now − this). */
  lastEventTs: number | null;
  /** Client time when the last event was applied (the badge's "last event 2 s ago"). */
  lastEventAt: number | null;
  outages: Outage[];
}

/** What the connection hands over, in arrival order. */
export type Incoming = { kind: 'metric'; event: MetricEvent; cursor: string } | { kind: 'reset'; reset: ResetData };

export interface MetricsStoreOptions extends SeriesWindowOptions {
  /** Defaults to `Date.now`. */
  now?: () => number;
  /** Called once per new gap (a hole that survived a commit), with the feed. Default: nothing. */
  onGap?: (feed: FeedName) => void;
}

export interface MetricsStore {
  readonly api: StoreApi<MetricsState>;
  readonly feeds: readonly FeedName[];
  series(feed: FeedName): SeriesWindow;
  /** First paint: fill windows from a snapshot without counting it as a reset. */
  hydrate(snapshot: Snapshot): void;
  /** Applies a batch in order and publishes one state update. Returns what each reset cost. */
  commit(items: readonly Incoming[]): ResetOutcome[];
  /** Cursor to resume from: the last applied event, or just before the oldest open hole. */
  resumeCursor(): string | null;
  setEpoch(epoch: string): void;
  outageStarted(at: number): void;
  outageEnded(at: number): void;
}

const TREND_LOOKBACK_MS = 60_000;
const MAX_OUTAGES = 50;

function summary(track: FeedTrack, revision: number): FeedSummary {
  const { ts, values } = track.series;
  let trendFrom: number | null = null;
  const last = ts[ts.length - 1];
  if (last !== undefined) {
    // Walk back to the point about a minute earlier (cheap: windows are a few thousand points).
    let i = ts.length - 1;
    while (i > 0 && last - ts[i - 1]! <= TREND_LOOKBACK_MS) i -= 1;
    trendFrom = values[i] ?? null;
  }
  return { lastSeq: track.lastSeq, lastValue: track.lastValue, trendFrom, points: track.series.length, revision };
}

export function createMetricsStore(feeds: readonly FeedName[], options: MetricsStoreOptions = {}): MetricsStore {
  const now = options.now ?? Date.now;
  const tracks = new Map<FeedName, FeedTrack>(feeds.map((feed) => [feed, new FeedTrack(options)]));
  const track = (feed: FeedName) => tracks.get(feed);
  let lastCursor: string | null = null;
  /** Epoch of the data held (not of the latest hello, which arrives before its reset). */
  let dataEpoch: string | null = null;

  const initialFeeds = Object.fromEntries(feeds.map((feed) => [feed, summary(tracks.get(feed)!, 0)])) as Record<
    FeedName,
    FeedSummary
  >;
  const api = createStore<MetricsState>()(() => ({
    feeds: initialFeeds,
    counters: { eventsApplied: 0, duplicatesDropped: 0, gaps: 0, resets: 0 },
    epoch: null,
    cursor: null,
    lastEventTs: null,
    lastEventAt: null,
    outages: [],
  }));

  const publishFeeds = (touched: ReadonlySet<FeedName>, patch: Partial<MetricsState>) => {
    const state = api.getState();
    const nextFeeds = touched.size ? { ...state.feeds } : state.feeds;
    for (const feed of touched) nextFeeds[feed] = summary(tracks.get(feed)!, state.feeds[feed].revision + 1);
    api.setState({ ...patch, feeds: nextFeeds });
  };

  const loadWindows = (snapshot: Snapshot, touched: Set<FeedName>): number => {
    let lostMs = 0;
    // A new epoch means the old server's unsent events are gone whatever the gap looks like.
    const restarted = dataEpoch !== null && dataEpoch !== snapshot.epoch;
    dataEpoch = snapshot.epoch;
    for (const [feed, window] of Object.entries(snapshot.feeds) as [
      FeedName,
      NonNullable<Snapshot['feeds'][FeedName]>,
    ][]) {
      const t = track(feed);
      if (!t) continue;
      lostMs = Math.max(lostMs, lostBetween(t.lastTs, window.ts, restarted));
      t.load(window, snapshot.cursor);
      touched.add(feed);
    }
    lastCursor = snapshot.cursor;
    return lostMs;
  };

  /**
   * History lost between our last point and the snapshot's first. Within one epoch, one normal
   * interval between them is no loss; across a restart the whole span is.
   */
  const lostBetween = (lastTs: number | null, ts: readonly number[], restarted: boolean): number => {
    if (lastTs === null) return 0;
    const first = ts[0];
    if (first === undefined) return Math.max(0, now() - lastTs);
    if (first <= lastTs) return 0;
    const interval = !restarted && ts.length > 1 ? (ts[ts.length - 1]! - first) / (ts.length - 1) : 0;
    return Math.max(0, first - lastTs - interval);
  };

  return {
    api,
    feeds,
    series: (feed) => {
      const t = track(feed);
      if (!t) throw new Error(`unknown feed ${feed}`);
      return t.series;
    },

    hydrate(snapshot) {
      const touched = new Set<FeedName>();
      loadWindows(snapshot, touched);
      publishFeeds(touched, { epoch: snapshot.epoch, cursor: snapshot.cursor });
    },

    commit(items) {
      if (items.length === 0) return [];
      const state = api.getState();
      const counters = { ...state.counters };
      const touched = new Set<FeedName>();
      const outcomes: ResetOutcome[] = [];
      let lastEventTs = state.lastEventTs;
      let epoch = state.epoch;

      for (const item of items) {
        if (item.kind === 'reset') {
          const lostMs = loadWindows(item.reset, touched);
          counters.resets += 1;
          epoch = item.reset.epoch;
          outcomes.push({ reason: item.reset.reason, lostMs });
          continue;
        }
        const t = track(item.event.feed);
        if (!t) continue; // A feed this dashboard does not show.
        const result = t.apply(item.event, item.cursor);
        if (result === 'duplicate') {
          counters.duplicatesDropped += 1;
          continue;
        }
        if (result > 0) {
          counters.eventsApplied += result;
          touched.add(item.event.feed);
          if (!t.hasHole) lastCursor = t.lastCursor;
          lastEventTs = Math.max(lastEventTs ?? 0, t.lastTs ?? 0);
        }
      }

      for (const feed of touched) tracks.get(feed)!.series.trim();
      const newGaps: FeedName[] = [];
      for (const [feed, t] of tracks) {
        if (t.hasHole && !t.holeReported) {
          t.holeReported = true;
          counters.gaps += 1;
          newGaps.push(feed);
        }
      }
      const applied = counters.eventsApplied !== state.counters.eventsApplied || outcomes.length > 0;
      publishFeeds(touched, {
        counters,
        epoch,
        cursor: lastCursor,
        lastEventTs,
        lastEventAt: applied ? now() : state.lastEventAt,
      });
      newGaps.forEach((feed) => options.onGap?.(feed));
      return outcomes;
    },

    resumeCursor() {
      // With a hole open, resume from just before the oldest one so the replay fills it;
      // the other feeds' repeats are dropped as duplicates.
      let holed: FeedTrack | null = null;
      for (const t of tracks.values()) {
        if (t.hasHole && t.lastCursor !== null && (holed === null || (t.lastTs ?? 0) < (holed.lastTs ?? 0))) holed = t;
      }
      return holed?.lastCursor ?? lastCursor;
    },

    setEpoch(epoch) {
      dataEpoch ??= epoch;
      if (api.getState().epoch !== epoch) api.setState({ epoch });
    },

    outageStarted(at) {
      const { outages } = api.getState();
      if (outages.at(-1)?.to === null) return;
      api.setState({ outages: [...outages.slice(-(MAX_OUTAGES - 1)), { from: at, to: null }] });
    },

    outageEnded(at) {
      const { outages } = api.getState();
      const last = outages.at(-1);
      if (!last || last.to !== null) return;
      api.setState({ outages: [...outages.slice(0, -1), { from: last.from, to: at }] });
    },
  };
}
