import type { WireFeedWindow, WireMetric } from '@/lib/sse/payloads';
import { SeriesWindow, type SeriesWindowOptions } from './series-window';

/**
 * The idempotent merge for one feed: apply only `seq > lastSeq`, in seq order.
 *
 * - A duplicate (`seq <= lastSeq`, or already waiting) is dropped and counted.
 * - A point ahead of a hole waits in `pending` until the hole is filled (by a reorder or by the
 *   replay a resume brings), then everything drains in order. A hole still open when a batch
 *   is committed is a gap: the store counts it and asks for a resume.
 * So any interleaving of duplicates and reorders of a valid sequence ends in the same state as
 * the clean sequence (merge.test.ts checks this with fast-check).
 */

interface PendingPoint {
  ts: number;
  value: number;
  cursor: string;
}

/** Bound on points waiting behind a hole; past it the hole is given up and a resume asked for. */
const MAX_PENDING = 10_000;

export class FeedTrack {
  /** Highest seq applied with nothing missing before it; 0 until the first point. */
  lastSeq = 0;
  /** Whether a baseline is known (snapshot, reset or first event); before it any seq is accepted. */
  started = false;
  /** Cursor and server time of the last point applied: where to resume to fill a hole here. */
  lastCursor: string | null = null;
  lastTs: number | null = null;
  lastValue: number | null = null;
  readonly pending = new Map<number, PendingPoint>();
  readonly series: SeriesWindow;
  /** A hole that was already counted as a gap (so one outage is one gap). */
  holeReported = false;

  constructor(options: SeriesWindowOptions = {}) {
    this.series = new SeriesWindow(options);
  }

  get hasHole(): boolean {
    return this.pending.size > 0;
  }

  /** Returns how many points were applied (0 for a duplicate or a point that has to wait). */
  apply(event: WireMetric, cursor: string): number | 'duplicate' {
    if (!this.started) {
      this.started = true;
      this.lastSeq = event.seq - 1;
    }
    if (event.seq <= this.lastSeq || this.pending.has(event.seq)) return 'duplicate';
    if (event.seq > this.lastSeq + 1) {
      if (this.pending.size >= MAX_PENDING) this.pending.clear();
      this.pending.set(event.seq, { ts: event.ts, value: event.value, cursor });
      return 0;
    }
    this.append(event.seq, event.ts, event.value, cursor);
    let applied = 1;
    for (let next = this.pending.get(this.lastSeq + 1); next; next = this.pending.get(this.lastSeq + 1)) {
      this.pending.delete(this.lastSeq + 1);
      this.append(this.lastSeq + 1, next.ts, next.value, next.cursor);
      applied += 1;
    }
    if (this.pending.size === 0) this.holeReported = false;
    return applied;
  }

  /** Takes a snapshot window as the new baseline (initial load or reset). */
  load(window: WireFeedWindow, cursor: string): void {
    this.series.replaceFrom(window.ts, window.value);
    this.pending.clear();
    this.holeReported = false;
    this.started = true;
    this.lastSeq = window.firstSeq + window.ts.length - 1;
    // An empty window (a server that just started) keeps the last point we had on screen.
    this.lastTs = window.ts.at(-1) ?? this.lastTs;
    this.lastValue = window.value.at(-1) ?? this.lastValue;
    this.lastCursor = cursor;
  }

  private append(seq: number, ts: number, value: number, cursor: string): void {
    this.series.push(ts, value);
    this.lastSeq = seq;
    this.lastTs = ts;
    this.lastValue = value;
    this.lastCursor = cursor;
  }
}
