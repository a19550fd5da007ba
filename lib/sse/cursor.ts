/**
 * Cursors: the `id:` of every metric event, sent back by clients to resume.
 *
 * Format `<epoch>.<position>`, e.g. `mfx3k2a9.1234`. Clients must treat it as opaque; the server
 * reads it back to find (1) whether the event came from this server's lifetime (the epoch) and
 * (2) where in the log to resume (the position, which is bus-specific: an offset for the memory
 * bus, a stream entry id `ms-n` for Redis Streams).
 *
 * Kept to at most 64 ASCII characters from a CORS-safe alphabet, so a browser can send it as a
 * `Last-Event-ID` header cross-origin without a preflight.
 */

export const CURSOR_MAX_LENGTH = 64;

const EPOCH = /^[a-z0-9]{1,24}$/;
const POSITION = /^[0-9]{1,20}(?:-[0-9]{1,20})?$/;

export interface Cursor {
  epoch: string;
  position: string;
}

export function formatCursor(epoch: string, position: string | number): string {
  const pos = String(position);
  if (!EPOCH.test(epoch)) throw new TypeError(`invalid epoch ${JSON.stringify(epoch)}`);
  if (!POSITION.test(pos)) throw new TypeError(`invalid position ${JSON.stringify(pos)}`);
  const cursor = `${epoch}.${pos}`;
  if (cursor.length > CURSOR_MAX_LENGTH) throw new RangeError('cursor longer than 64 characters');
  return cursor;
}

/** Returns null for anything that is not a well-formed cursor; never throws on client input. */
export function parseCursor(raw: string | null | undefined): Cursor | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CURSOR_MAX_LENGTH) return null;
  const dot = raw.indexOf('.');
  if (dot <= 0) return null;
  const epoch = raw.slice(0, dot);
  const position = raw.slice(dot + 1);
  return EPOCH.test(epoch) && POSITION.test(position) ? { epoch, position } : null;
}

/** A fresh epoch: time-ordered base36 plus randomness, so two boots in one ms still differ. */
export function newEpoch(now = Date.now(), random = Math.random): string {
  const rand = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${now.toString(36)}${rand}`;
}

/**
 * Orders two cursors, or says they cannot be ordered.
 *
 * Clients treat cursors as opaque when they send one back, but a client must still tell "ahead
 * of me" from "behind me": tab sharing, to answer "which events come after the cursor this tab
 * applied?", and the store, to keep its resume cursor from going backwards. It relies on one
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
