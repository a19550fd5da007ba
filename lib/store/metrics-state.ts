import type { WireMetric, WireReset } from '@/lib/sse/payloads';

/**
 * The shapes of the metrics store: what components read (`MetricsState`), what goes in
 * (`Incoming`) and what a commit reports back (`CommitResult`). Feed names are plain strings:
 * the store accepts a feed it was not told about (a catalogue edited while `npm run dev` runs).
 */

export interface FeedSummary {
  /** Highest seq applied with nothing missing before it; 0 until the first point. */
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
  /** Points given up: missing seqs that the resume asked for did not bring (merge.ts). */
  lost: number;
}

/** A run of one feed's points given up, in server time: the charts shade it as lost. */
export interface LostSpan {
  feed: string;
  /** Time of the last point before the hole. */
  from: number;
  /** Time of the first point after it. */
  to: number;
  /** How many points are missing in between. */
  points: number;
}

export interface MetricsState {
  feeds: Readonly<Record<string, FeedSummary>>;
  counters: Counters;
  /** The latest runs of points given up (at most `MAX_LOST_SPANS`, oldest dropped first). */
  lostSpans: readonly LostSpan[];
  /** Epoch of the data held. */
  epoch: string | null;
  /** Cursor of the last event applied: what a reconnect resumes from (unless a hole is open). */
  cursor: string | null;
  /** Server time of the last applied event (lag = now − this). */
  lastEventTs: number | null;
  /** Client time when the last event was applied (the badge's "last event 2 s ago"). */
  lastEventAt: number | null;
}

/** What is handed to the store, in arrival order. */
export type Incoming = { kind: 'metric'; event: WireMetric; cursor: string } | { kind: 'reset'; reset: WireReset };

export interface ResetOutcome {
  reason: WireReset['reason'];
  /** How much history could not be recovered, in ms (0 when the snapshot covered the outage). */
  lostMs: number;
}

export interface CommitResult {
  /** What each reset in the batch cost, in order (a store's first data, held nothing before, is none). */
  resets: ResetOutcome[];
  /**
   * Feeds with a hole that survived this commit, reported once per hole. Filling it takes a
   * resume from `resumeCursor()`: the store says so, whoever owns the stream acts on it.
   */
  newGaps: string[];
}
