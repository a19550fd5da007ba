/**
 * Redis Stream entry ids (`<ms>-<n>`): parsing and ordering. Pure, so the seam logic of the
 * Redis bus can be unit-tested without a server.
 */

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/** Negative if a < b, 0 if equal, positive if a > b. Both must be valid ids. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', an = '0'] = a.split('-');
  const [bm = '0', bn = '0'] = b.split('-');
  // Lengths first: ids have no leading zeros, so a longer number is a bigger one (no float loss).
  return (
    am.length - bm.length ||
    (am < bm ? -1 : am > bm ? 1 : 0) ||
    an.length - bn.length ||
    (an < bn ? -1 : an > bn ? 1 : 0)
  );
}
