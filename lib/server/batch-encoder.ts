import 'server-only';
import { EVENT_TYPES, encodeComment, encodeEvent } from '@/lib/sse/wire';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Batch, BusEvent } from './bus';

/**
 * Turns bus batches into bytes, once per (batch, feed set): a thousand streams that watch the
 * same feeds share one Uint8Array per tick instead of serialising it a thousand times.
 */

/**
 * Bytes are Node Buffers (a Uint8Array subclass), not `TextEncoder` output: Node's `res.write`
 * turns a plain Uint8Array into a new Buffer view on every call, so a Buffer saves one allocation
 * per write per stream, on both stream paths (docs/performance.md, lever table).
 */
export function encodeText(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** The shared keep-alive chunk; a comment, so any SSE parser ignores it. */
export const HEARTBEAT_BYTES = encodeText(encodeComment('keep-alive'));

/** Canonical key of a feed set: streams with the same key receive identical bytes. */
export function feedSetKey(feeds: ReadonlySet<FeedName>): string {
  return [...feeds].sort().join(',');
}

export function encodeMetric(item: BusEvent): string {
  return encodeEvent({ id: item.cursor, event: EVENT_TYPES.metric, data: JSON.stringify(item.event) });
}

/** Encodes the events of `items` that belong to `feeds` as one string ('' when none do). */
export function encodeMetrics(items: readonly BusEvent[], feeds: ReadonlySet<FeedName>): string {
  let out = '';
  for (const item of items) if (feeds.has(item.event.feed)) out += encodeMetric(item);
  return out;
}

const cache = new WeakMap<Batch, Map<string, Uint8Array | null>>();

/** Bytes of `batch` for streams of this feed set, or null if none of its events apply. */
export function encodeBatchFor(batch: Batch, feeds: ReadonlySet<FeedName>, key: string): Uint8Array | null {
  let perKey = cache.get(batch);
  if (!perKey) {
    perKey = new Map();
    cache.set(batch, perKey);
  }
  let bytes = perKey.get(key);
  if (bytes === undefined) {
    const text = encodeMetrics(batch, feeds);
    bytes = text ? encodeText(text) : null;
    perKey.set(key, bytes);
  }
  return bytes;
}
