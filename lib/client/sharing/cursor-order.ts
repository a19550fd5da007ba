import { parseCursor } from '@/lib/sse/cursor';

/**
 * Orders two stream cursors, or says they cannot be ordered.
 *
 * Cursors are opaque to the connection (it only sends one back), but tab sharing must answer
 * "which events come after the cursor this tab applied?" when that exact cursor is not among the
 * ones it remembers (a snapshot cursor, a tab that is ahead of the leader). It relies on one
 * property both buses keep: within an epoch, positions increase in publish order (an offset for
 * the memory bus, a stream entry id `ms-n` for Redis Streams). Across epochs there is no order:
 * the answer is null, and the caller treats it as "cannot tell" (never as older or newer).
 */
export function compareCursors(a: string, b: string): -1 | 0 | 1 | null {
  if (a === b) return 0;
  const left = parseCursor(a);
  const right = parseCursor(b);
  if (!left || !right || left.epoch !== right.epoch) return null;
  const l = left.position.split('-');
  const r = right.position.split('-');
  for (let i = 0; i < Math.max(l.length, r.length); i += 1) {
    const order = compareDigits(l[i] ?? '0', r[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

/** Compares unsigned decimal strings of any length (positions may exceed 2^53). */
function compareDigits(a: string, b: string): -1 | 0 | 1 {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The epoch part of a cursor, or null for anything malformed. */
export function cursorEpoch(cursor: string | null): string | null {
  return parseCursor(cursor)?.epoch ?? null;
}
