import { compareCursors } from '@/lib/sse/cursor';
import type { StreamItem } from './protocol';

/**
 * The recent stream events a tab has seen, gap-free, so it can answer "catch me up from cursor X"
 * with exactly what X is missing. Every tab keeps one (not only the leader): whichever tab is
 * elected next already holds the history its followers may lack.
 *
 * It only ever holds a contiguous run. Each event arrives with the cursor of the one before it
 * (`prev`); an event that does not follow the last one starts the run over. The run's lower bound
 * (the floor) is either a cursor (everything after it is here) or a reset (a snapshot that
 * supersedes every older cursor, so anyone behind it gets the reset and what follows).
 * As with Centrifugo's epoch + offset recovery, an answer is complete or refused, never partial.
 */

type Floor = { kind: 'none' } | { kind: 'cursor'; cursor: string } | { kind: 'reset' };

export type RecordOutcome = 'appended' | 'duplicate' | 'restarted';

/** Default ring size: ~60 s of the demo's 8 feeds × 10 Hz, a few hundred KB. */
export const DEFAULT_RING_CAPACITY = 5000;

export class ReplayRing {
  private items: StreamItem[] = [];
  private start = 0;
  private floor: Floor = { kind: 'none' };

  /** `capacity`: events kept. Default 5000. */
  constructor(private readonly capacity = DEFAULT_RING_CAPACITY) {}

  get size(): number {
    return this.items.length - this.start;
  }

  /** Cursor of the newest event held, or the floor when empty; null if nothing is known. */
  last(): string | null {
    const newest = this.items[this.items.length - 1];
    if (newest && this.size > 0) return newest.cursor;
    return this.floor.kind === 'cursor' ? this.floor.cursor : null;
  }

  /** Starts an empty run whose floor is `cursor` (a leader about to resume from it). */
  resetTo(cursor: string | null): void {
    this.items = [];
    this.start = 0;
    this.floor = cursor === null ? { kind: 'none' } : { kind: 'cursor', cursor };
  }

  /** Adds one event that came after `prev` (null: unknown predecessor). */
  record(item: StreamItem, prev: string | null): RecordOutcome {
    if (item.kind === 'reset') {
      this.resetTo(null);
      this.floor = { kind: 'reset' };
      this.push(item);
      return 'restarted';
    }
    const last = this.last();
    // Already past it, whatever `prev` says: a leader passes its own last event as `prev`, and
    // a stream that re-sends an older event (a resume from before a hole) must not go after it.
    const order = last === null ? null : compareCursors(item.cursor, last);
    if (order !== null && order <= 0) return 'duplicate';
    if (prev !== null && prev === last) {
      this.push(item);
      return 'appended';
    }
    this.resetTo(prev);
    this.push(item);
    return 'restarted';
  }

  /**
   * Takes in a replay (everything after `after`, in order) that may fill what lies before the
   * current run, when the two join up: the run's floor lies within the replay.
   */
  absorb(after: string | null, replay: readonly StreamItem[]): void {
    const replayLast = replay[replay.length - 1];
    if (!replayLast) return;
    const lowest = this.lowestCovered();
    const joins = lowest === null || lowest === replayLast.cursor || compareCursors(lowest, replayLast.cursor) === -1;
    if (!joins) return;
    const tail = this.held().filter((item) => compareCursors(item.cursor, replayLast.cursor) === 1);
    const first = replay[0];
    this.resetTo(first?.kind === 'reset' ? null : after);
    if (first?.kind === 'reset') this.floor = { kind: 'reset' };
    for (const item of [...replay, ...tail]) this.push(item);
  }

  /**
   * The events after `cursor`, or null when this ring cannot tell (evicted, never seen, another
   * epoch without a reset to bridge it). An empty list means "nothing newer": up to date, or ahead.
   */
  after(cursor: string | null): StreamItem[] | null {
    const items = this.held();
    if (cursor !== null) {
      if (cursor === this.last()) return [];
      const index = items.findLastIndex((item) => item.cursor === cursor);
      if (index >= 0) return items.slice(index + 1);
      if (this.floor.kind === 'cursor' && this.floor.cursor === cursor) return items;
      const last = this.last();
      const vsLast = last === null ? null : compareCursors(cursor, last);
      if (vsLast !== null && vsLast >= 0) return [];
    }
    const first = items[0];
    if (this.floor.kind === 'reset' && first) {
      const vsReset = cursor === null ? null : compareCursors(cursor, first.cursor);
      // Behind the reset, or in an epoch we cannot order: the reset supersedes it.
      if (vsReset === null || vsReset < 0) return items;
    }
    if (cursor === null) return null;
    const lowest = this.lowestCovered();
    const vsLowest = lowest === null ? null : compareCursors(cursor, lowest);
    const inclusive = this.floor.kind !== 'cursor';
    if (vsLowest === null || vsLowest < 0 || (vsLowest === 0 && !inclusive)) return null;
    return items.filter((item) => compareCursors(item.cursor, cursor) === 1);
  }

  /** The events held, oldest first. */
  held(): StreamItem[] {
    return this.items.slice(this.start);
  }

  /** The oldest cursor this run is complete from: the floor cursor, or else the first event's. */
  private lowestCovered(): string | null {
    if (this.floor.kind === 'cursor') return this.floor.cursor;
    return this.items[this.start]?.cursor ?? null;
  }

  private push(item: StreamItem): void {
    this.items.push(item);
    while (this.size > this.capacity) {
      const evicted = this.items[this.start];
      this.start += 1;
      // The run now starts after the evicted event; a reset, once gone, is just a cursor too.
      if (evicted) this.floor = { kind: 'cursor', cursor: evicted.cursor };
    }
    // Compact now and then, so eviction stays O(1) amortised.
    if (this.start > this.capacity) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }
}
