import 'server-only';

/**
 * A fixed-capacity ring of items with monotonically increasing offsets (1, 2, 3 …).
 *
 * The replay log of the memory bus: the newest `capacity` events stay, older ones are
 * overwritten. Offsets are never reused, so `since(offset)` can tell "you are up to date",
 * "here is what you missed" and "what you missed is gone" apart.
 */

export type SinceResult<T> =
  | { kind: 'ok'; items: T[] }
  /** The offset is older than the oldest kept item: some items after it were overwritten. */
  | { kind: 'evicted'; oldest: number }
  /** The offset was never handed out (it is ahead of the newest item). */
  | { kind: 'future'; newest: number };

export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  /** Offset of the newest item; 0 while empty. */
  private head = 0;
  /** Items at or below this offset were dropped by `clear()`. */
  private floor = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<T | undefined>(capacity);
  }

  /** Appends an item and returns its offset. */
  push(item: T): number {
    this.head += 1;
    this.slots[this.head % this.capacity] = item;
    return this.head;
  }

  get newest(): number {
    return this.head;
  }

  /** Offset of the oldest kept item (newest + 1 while empty). */
  get oldest(): number {
    return Math.max(1, this.floor + 1, this.head - this.capacity + 1);
  }

  /** Drops every kept item; offsets keep counting, so old offsets now read as evicted. */
  clear(): void {
    this.floor = this.head;
  }

  get size(): number {
    return this.head - this.oldest + 1;
  }

  /** Items with offsets strictly after `offset`, oldest first. */
  since(offset: number): SinceResult<T> {
    if (offset > this.head) return { kind: 'future', newest: this.head };
    // The item right after `offset` must still be kept, or the caller would miss it.
    if (offset + 1 < this.oldest) return { kind: 'evicted', oldest: this.oldest };
    const items: T[] = [];
    for (let o = offset + 1; o <= this.head; o += 1) items.push(this.slots[o % this.capacity] as T);
    return { kind: 'ok', items };
  }

  /** Walks from newest to oldest until `visit` returns false. */
  scanBackwards(visit: (item: T, offset: number) => boolean): void {
    for (let o = this.head; o >= this.oldest; o -= 1) {
      if (!visit(this.slots[o % this.capacity] as T, o)) return;
    }
  }
}
