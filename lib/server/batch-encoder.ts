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

/** A batch's bytes for one feed set, and how many metric events they carry. */
export interface EncodedBatch {
  bytes: Uint8Array;
  events: number;
}

const cache = new WeakMap<Batch, Map<string, EncodedBatch | null>>();

/** Bytes of `batch` for streams of this feed set (with their event count), or null if none of its events apply. */
export function encodeBatchFor(batch: Batch, feeds: ReadonlySet<FeedName>, key: string): EncodedBatch | null {
  let perKey = cache.get(batch);
  if (!perKey) {
    perKey = new Map();
    cache.set(batch, perKey);
  }
  let encoded = perKey.get(key);
  if (encoded === undefined) {
    let text = '';
    let events = 0;
    for (const item of batch) {
      if (!feeds.has(item.event.feed)) continue;
      text += encodeMetric(item);
      events += 1;
    }
    encoded = events ? { bytes: encodeText(text), events } : null;
    perKey.set(key, encoded);
  }
  return encoded;
}
