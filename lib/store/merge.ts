import type { WireFeedWindow, WireMetric } from '@/lib/sse/payloads';
import { SeriesWindow, type SeriesWindowOptions } from './series-window';

/**
 * The idempotent merge for one feed: apply only `seq > lastSeq`, in seq order.
 *
 * - A duplicate (`seq <= lastSeq`, or already waiting) is dropped and counted.
 * - A point ahead of a hole waits in `pending` until the hole is filled (by a reorder or by the
 *   replay a resume brings), then everything drains in order. A hole still open when a batch
 *   is committed is a gap: the store counts it and asks for a resume.
 * - A hole is never waited on forever. Once the resume for it was asked (`askResume`), the answer
 *   brings this feed's points in seq order from before the hole; a point past the hole from it
 *   means the missing ones are not coming (the server no longer has them). They are given up:
 *   `lastSeq` advances, the loss is recorded (`takeLosses`), and what waited drains. The same
 *   happens to the oldest hole when too many points wait behind holes (`MAX_PENDING`).
 * So any interleaving of duplicates and reorders of a valid sequence ends in the same state as
 * the clean sequence, and with unfillable holes a feed still advances after one resume
 * (merge.test.ts and lib/live/holes.property.test.ts check both with fast-check).
 */

interface PendingPoint {
  ts: number;
  value: number;
  cursor: string;
}

/** Points that were given up: the hole between two points that did arrive, in server time. */
export interface LostRun {
  /** Time of the last point before the hole (of the first after it when there was none before). */
  from: number;
  /** Time of the first point after the hole. */
  to: number;
  /** How many seqs were missing. */
  points: number;
}

/** What one event did to the track. */
export interface ApplyResult {
  /** Points appended (the event itself and whatever waited behind it). */
  applied: number;
  /** The event was already applied or already waiting: dropped. */
  duplicate: boolean;
}

/** Bound on points waiting behind holes; past it the oldest hole is given up. */
export const MAX_PENDING = 10_000;

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
  /** The resume for the open hole(s) was asked: what comes now comes in seq order from before them. */
  resumeAsked = false;
  private losses: LostRun[] = [];

  constructor(options: SeriesWindowOptions = {}) {
    this.series = new SeriesWindow(options);
  }

  get hasHole(): boolean {
    return this.pending.size > 0;
  }

  apply(event: WireMetric, cursor: string): ApplyResult {
    if (!this.started) {
      this.started = true;
      this.lastSeq = event.seq - 1;
    }
    let applied = 0;
    // The resume's answer went past the hole: what it skipped is not coming.
    if (this.resumeAsked && event.seq > this.lastSeq + 1) applied += this.giveUpBelow(event.seq, event.ts);
    if (event.seq <= this.lastSeq || this.pending.has(event.seq)) return { applied, duplicate: true };
    if (event.seq > this.lastSeq + 1) {
      this.pending.set(event.seq, { ts: event.ts, value: event.value, cursor });
      if (this.pending.size > MAX_PENDING) applied += this.giveUpBelow(Math.min(...this.pending.keys()), 0);
      return { applied, duplicate: false };
    }
    this.append(event.seq, event.ts, event.value, cursor);
    return { applied: applied + 1 + this.drain(), duplicate: false };
  }

  /** The resume for the holes open now was asked (the binding did). No-op without a hole. */
  askResume(): void {
    if (this.hasHole) this.resumeAsked = true;
  }

  /** The runs given up since the last call. */
  takeLosses(): LostRun[] {
    const losses = this.losses;
    if (losses.length) this.losses = [];
    return losses;
  }

  /** Takes a snapshot window as the new baseline (initial load or reset). */
  load(window: WireFeedWindow, cursor: string): void {
    this.series.replaceFrom(window.ts, window.value);
    this.pending.clear();
    this.holeReported = false;
    this.resumeAsked = false;
    this.started = true;
    this.lastSeq = window.firstSeq + window.ts.length - 1;
    // An empty window (a server that just started) keeps the last point we had on screen.
    this.lastTs = window.ts.at(-1) ?? this.lastTs;
    this.lastValue = window.value.at(-1) ?? this.lastValue;
    this.lastCursor = cursor;
  }

  /**
   * A reset that does not list this feed (a scope or catalogue change, a restart that dropped it)
   * still supersedes every cursor before it: no hole here can be asked for again. In the same
   * epoch the holes are given up (what waited behind them applies; `takeLosses` reports the
   * rest); in a new epoch seqs start over, so the next point is a new baseline. Either way a
   * later hole resumes from the reset's cursor, not from before it.
   */
  supersede(cursor: string, sameEpoch: boolean): void {
    if (sameEpoch && this.hasHole) this.giveUpBelow(Math.max(...this.pending.keys()) + 1, 0);
    if (!sameEpoch) {
      this.pending.clear();
      this.holeReported = false;
      this.resumeAsked = false;
      this.started = false;
    }
    this.lastCursor = cursor;
  }

  /**
   * Gives up every missing seq below `seq` (the point that proved them lost, at `ts`), applying
   * what waited in between. Returns how many waiting points were applied.
   */
  private giveUpBelow(seq: number, ts: number): number {
    let applied = 0;
    while (this.lastSeq + 1 < seq) {
      if (this.pending.has(this.lastSeq + 1)) {
        applied += this.drain();
        continue;
      }
      let next = seq;
      for (const waiting of this.pending.keys()) if (waiting > this.lastSeq && waiting < next) next = waiting;
      const to = this.pending.get(next)?.ts ?? ts;
      this.losses.push({ from: this.lastTs ?? to, to, points: next - this.lastSeq - 1 });
      this.lastSeq = next - 1;
    }
    return applied + this.drain();
  }

  /** Applies what waited right behind `lastSeq`; closes the hole's bookkeeping when none is left. */
  private drain(): number {
    let applied = 0;
    for (let next = this.pending.get(this.lastSeq + 1); next; next = this.pending.get(this.lastSeq + 1)) {
      this.pending.delete(this.lastSeq + 1);
      this.append(this.lastSeq + 1, next.ts, next.value, next.cursor);
      applied += 1;
    }
    if (this.pending.size === 0) {
      this.holeReported = false;
      this.resumeAsked = false;
    }
    return applied;
  }

  private append(seq: number, ts: number, value: number, cursor: string): void {
    this.series.push(ts, value);
    this.lastSeq = seq;
    this.lastTs = ts;
    this.lastValue = value;
    this.lastCursor = cursor;
  }
}
