import 'server-only';

/**
 * Redis Stream entry ids (`<ms>-<n>`): validation and ordering. Pure, so the replay seam and
 * the cursor checks of the Redis bus can be unit-tested without a server.
 *
 * Both parts are unsigned 64-bit integers in Redis. An id outside that range (e.g. a forged
 * cursor `<epoch>.1-99999999999999999999`) makes XRANGE fail, so it must be refused before it is
 * sent: `parseStreamId` is the only way a client-supplied position reaches Redis.
 */

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;
const U64_MAX = (1n << 64n) - 1n;

/** The canonical form (no leading zeros) of a valid id, or null when it is not one. */
export function parseStreamId(value: string): string | null {
  const match = STREAM_ID.exec(value);
  if (!match) return null;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  if (ms > U64_MAX || seq > U64_MAX) return null;
  return `${ms}-${seq}`;
}

export function isStreamId(value: string): boolean {
  return parseStreamId(value) !== null;
}

/** Negative if a < b, 0 if equal, positive if a > b. Both must be canonical ids. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', an = '0'] = a.split('-');
  const [bm = '0', bn = '0'] = b.split('-');
  // Lengths first: canonical ids have no leading zeros, so a longer number is a bigger one.
  return (
    am.length - bm.length ||
    (am < bm ? -1 : am > bm ? 1 : 0) ||
    an.length - bn.length ||
    (an < bn ? -1 : an > bn ? 1 : 0)
  );
}
