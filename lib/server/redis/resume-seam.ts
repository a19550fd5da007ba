import 'server-only';
import type { Batch, BatchListener, BusEvent } from '../bus';
import { compareStreamIds } from './stream-id';

/**
 * The seam between a replay read from Redis and the live batches of this instance's reader.
 *
 * The listener is attached first and holds what arrives; then the replay is read (`XRANGE`),
 * which may reach entries the reader has not delivered yet. `open(after)` releases the held
 * batches and lets later ones through, minus anything at or before `after` (the replay's last
 * id), until the reader has passed it. Replay then live: no gap, no duplicate.
 */

export interface ResumeSeam {
  /** Attach this to the bus before reading the replay. */
  readonly listener: BatchListener;
  /** The replay ended at `after` (null: nothing was replayed, pass everything). */
  open(after: string | null): void;
}

/** The stream id inside a cursor `<epoch>.<id>`. */
export function positionOf(item: BusEvent): string {
  return item.cursor.slice(item.cursor.indexOf('.') + 1);
}

export function createResumeSeam(onBatch: BatchListener): ResumeSeam {
  const held: Batch[] = [];
  let open = false;
  let floor: string | null = null;

  const deliver = (batch: Batch) => {
    if (floor === null) return onBatch(batch);
    const last = batch[batch.length - 1];
    const newer = batch.filter((item) => compareStreamIds(positionOf(item), floor!) > 0);
    // Batches come in id order: once one ends past the floor, every later one is newer.
    if (last && compareStreamIds(positionOf(last), floor) > 0) floor = null;
    if (newer.length) onBatch(newer);
  };

  return {
    listener: (batch) => (open ? deliver(batch) : held.push(batch)),
    open(after) {
      floor = after;
      held.splice(0).forEach(deliver);
      open = true;
    },
  };
}
