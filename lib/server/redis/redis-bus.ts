import 'server-only';
import { Redis } from 'ioredis';
import { formatCursor, newEpoch, parseCursor } from '@/lib/sse/cursor';
import { isFeedName, type FeedName } from '@/lib/metrics/feeds';
import type { MetricEvent, ResetReason, Snapshot } from '@/lib/metrics/events';
import {
  toReset,
  type BatchListener,
  type BusEvent,
  type BusFaults,
  type BusStats,
  type EventBus,
  type Sample,
  type SubscribeRequest,
  type SubscribeStart,
  type Subscription,
} from '../bus';
import { SnapshotBuilder } from '../snapshot-builder';
import { ENSURE_EPOCH, PUBLISH_TICK, ROTATE_EPOCH } from './scripts';
import { createResumeSeam } from './resume-seam';
import { compareStreamIds, isStreamId } from './stream-id';

/**
 * The bus for several instances: a Redis Stream is the shared, ordered log.
 *
 * - The producer (one instance, holding the lease) appends with `XADD … MAXLEN ~ capacity`.
 * - Every instance runs one blocking `XREAD` on its own connection (one per instance, not per
 *   client) and fans each read out to its streams as one batch.
 * - Resume is `XRANGE (cursor +`. The cursor is `<epoch>.<stream id>`, with the epoch stored in
 *   Redis, so every instance gives an event the same id and a client resumes anywhere.
 */

export interface RedisBusOptions {
  url: string;
  /** Key prefix, so several apps can share a Redis. Default `rtd`. */
  prefix?: string;
  /** Approximate stream length kept (`SSE_REPLAY_CAPACITY`). */
  capacity: number;
  snapshotWindowMs: number;
  /** Identifies this instance in the producer lease. */
  instanceId: string;
  /** How long one XREAD blocks. Default 5000 ms. */
  blockMs?: number;
  /** Called when Redis becomes unreachable (false) or usable again (true). */
  onHealthChange?: (healthy: boolean) => void;
  now?: () => number;
}

export class BusUnavailableError extends Error {
  constructor() {
    super('the event bus is unavailable (Redis unreachable)');
    this.name = 'BusUnavailableError';
  }
}

type StreamEntry = [id: string, fields: string[]];

export class RedisBus implements EventBus, BusFaults {
  readonly kind = 'redis' as const;
  readonly keys: { stream: string; epoch: string; seqs: string; lease: string };
  /** Commands (fail fast while disconnected, so requests are not queued behind an outage). */
  readonly redis: Redis;
  /** Dedicated to the blocking XREAD loop. */
  private readonly reader: Redis;
  private readonly listeners = new Set<BatchListener>();
  private readonly now: () => number;
  private currentEpoch = '';
  /** Id of the newest entry delivered to listeners. */
  private head = '0-0';
  private length = 0;
  private ready = false;
  private running = true;

  constructor(private readonly options: RedisBusOptions) {
    const prefix = options.prefix ?? 'rtd';
    this.keys = {
      stream: `${prefix}:events`,
      epoch: `${prefix}:epoch`,
      seqs: `${prefix}:seqs`,
      lease: `${prefix}:producer`,
    };
    this.now = options.now ?? Date.now;
    const retryStrategy = (times: number) => Math.min(100 * times, 2000);
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy,
      lazyConnect: true,
    });
    this.reader = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: null,
      retryStrategy,
      lazyConnect: true,
    });
    this.redis.on('error', () => {}); // Reported through health; ioredis reconnects by itself.
    this.reader.on('error', () => {});
    this.redis.on('ready', () => void this.onReady());
    this.redis.on('close', () => this.setReady(false));
    this.redis.connect().catch(() => {});
    this.reader.connect().catch(() => {});
    void this.readLoop();
  }

  epoch(): string {
    return this.currentEpoch;
  }

  healthy(): boolean {
    return this.ready;
  }

  async publish(samples: readonly Sample[]): Promise<void> {
    if (samples.length === 0) return;
    const args: (string | number)[] = [this.options.instanceId, this.options.capacity, samples[0]!.ts];
    for (const sample of samples) args.push(sample.feed, sample.value);
    const ids = await this.redis.eval(PUBLISH_TICK, 3, this.keys.stream, this.keys.lease, this.keys.seqs, ...args);
    if (ids === null) throw new Error('not the producer: the lease is held by another instance');
  }

  async subscribe(request: SubscribeRequest, onBatch: BatchListener): Promise<Subscription> {
    if (!this.ready) throw new BusUnavailableError();
    // Listen first, then read the replay: the seam passes on only what is newer than its end.
    const seam = createResumeSeam(onBatch);
    const { listener } = seam;
    this.listeners.add(listener);
    try {
      const { start, after } = await this.resolveStart(request);
      seam.open(after);
      return { start, unsubscribe: () => this.listeners.delete(listener) };
    } catch (error) {
      this.listeners.delete(listener);
      throw error;
    }
  }

  async snapshot(feeds: ReadonlySet<FeedName>): Promise<Snapshot> {
    if (!this.ready) throw new BusUnavailableError();
    const windowMs = this.options.snapshotWindowMs;
    const builder = new SnapshotBuilder(feeds, this.now() - windowMs);
    const lastSeqs = new Map<FeedName, number>();
    let cursorId: string | null = null;
    // Walk back page by page; the first page's newest entry is the cursor the window ends at.
    for (let end = '+'; ;) {
      const page = (await this.redis.xrevrange(this.keys.stream, end, '-', 'COUNT', 500)) as StreamEntry[];
      if (page.length === 0) break;
      cursorId ??= page[0]![0];
      let more = true;
      for (const [id, fields] of page) {
        const event = toEvent(fields);
        if (!event) continue;
        if (!lastSeqs.has(event.feed)) lastSeqs.set(event.feed, event.seq);
        if (!builder.add(event)) {
          more = false;
          break;
        }
        end = `(${id}`;
      }
      if (!more || page.length < 500) break;
    }
    const cursor = formatCursor(this.currentEpoch, cursorId ?? '0-0');
    return builder.build(this.currentEpoch, cursor, windowMs, (feed) => (lastSeqs.get(feed) ?? 0) + 1);
  }

  stats(): BusStats {
    return {
      kind: this.kind,
      epoch: this.currentEpoch,
      head: this.head === '0-0' ? null : formatCursor(this.currentEpoch, this.head),
      retained: this.length,
      capacity: this.options.capacity,
      subscribers: this.listeners.size,
    };
  }

  async recent(count: number): Promise<BusEvent[]> {
    const entries = (await this.redis.xrevrange(this.keys.stream, '+', '-', 'COUNT', count)) as StreamEntry[];
    return entries.reverse().flatMap(([id, fields]) => this.toBusEvent(id, fields) ?? []);
  }

  /** Fault: drops every entry; Redis records the newest deleted id, so old cursors read as evicted. */
  evictHistory(): void {
    void this.redis.xtrim(this.keys.stream, 'MAXLEN', 0).catch(() => {});
  }

  /** Fault: a new epoch for everyone (other instances notice on their next reconnect to Redis). */
  rotateEpoch(): void {
    const epoch = newEpoch();
    void this.redis.eval(ROTATE_EPOCH, 3, this.keys.epoch, this.keys.stream, this.keys.seqs, epoch).catch(() => {});
    this.currentEpoch = epoch;
    this.head = '0-0';
  }

  /** Last values per feed, for a producer taking over (so the lines continue smoothly). */
  async lastValues(): Promise<Partial<Record<FeedName, number>>> {
    const out: Partial<Record<FeedName, number>> = {};
    for (const item of await this.recent(200)) out[item.event.feed] = item.event.value;
    return out;
  }

  async close(): Promise<void> {
    this.running = false;
    this.reader.disconnect();
    this.redis.disconnect();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private async onReady(): Promise<void> {
    try {
      const epoch = String(
        await this.redis.eval(ENSURE_EPOCH, 3, this.keys.epoch, this.keys.stream, this.keys.seqs, newEpoch()),
      );
      if (epoch !== this.currentEpoch) {
        // First start, or Redis lost its data: read the new log from its start (it is new).
        const first = this.currentEpoch === '';
        this.currentEpoch = epoch;
        this.head = first ? await this.newestId() : '0-0';
      }
      this.setReady(true);
    } catch (error) {
      console.error('[redis-bus] could not read the epoch:', String(error));
    }
  }

  private setReady(ready: boolean): void {
    if (ready === this.ready) return;
    this.ready = ready;
    console.log(`[redis-bus] ${ready ? 'connected' : 'Redis unreachable: degraded'}`);
    this.options.onHealthChange?.(ready);
  }

  private async newestId(): Promise<string> {
    const [newest] = (await this.redis.xrevrange(this.keys.stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return newest?.[0] ?? '0-0';
  }

  /** One XREAD at a time on the reader connection, for the life of the process. */
  private async readLoop(): Promise<void> {
    while (this.running) {
      if (!this.ready) {
        await sleep(200);
        continue;
      }
      try {
        const epoch = this.currentEpoch;
        const result = (await this.reader.xread(
          'COUNT',
          10_000,
          'BLOCK',
          this.options.blockMs ?? 5000,
          'STREAMS',
          this.keys.stream,
          this.head,
        )) as [string, StreamEntry[]][] | null;
        const entries = result?.[0]?.[1] ?? [];
        if (entries.length === 0 || epoch !== this.currentEpoch) continue;
        const batch = entries.flatMap(([id, fields]) => this.toBusEvent(id, fields) ?? []);
        this.head = entries[entries.length - 1]![0];
        this.redis.xlen(this.keys.stream).then(
          (n) => (this.length = n),
          () => {},
        );
        for (const listener of this.listeners) {
          try {
            listener(batch);
          } catch (error) {
            console.error('[redis-bus] subscriber threw', error);
          }
        }
      } catch {
        await sleep(200);
      }
    }
  }

  private async resolveStart({
    cursor,
    feeds,
  }: SubscribeRequest): Promise<{ start: SubscribeStart; after: string | null }> {
    if (cursor === null) return { start: { kind: 'fresh' }, after: null };
    const parsed = parseCursor(cursor);
    if (!parsed || !isStreamId(parsed.position)) return this.reset('cursor_invalid', feeds);
    if (parsed.epoch !== this.currentEpoch) return this.reset('epoch_changed', feeds);
    const position = parsed.position;
    const log = await this.logInfo();
    if (compareStreamIds(position, log.lastGeneratedId) > 0) return this.reset('cursor_invalid', feeds);
    // Entries after the cursor may have been trimmed away (MAXLEN ~): the replay would have a hole.
    if (log.trimmed && compareStreamIds(position, log.firstId ?? log.lastGeneratedId) < 0)
      return this.reset('cursor_evicted', feeds);
    const entries = (await this.redis.xrange(this.keys.stream, `(${position}`, '+')) as StreamEntry[];
    const replay = entries
      .flatMap(([id, fields]) => this.toBusEvent(id, fields) ?? [])
      .filter((item) => feeds.has(item.event.feed));
    return { start: { kind: 'resumed', replay }, after: entries.at(-1)?.[0] ?? position };
  }

  private async reset(
    reason: ResetReason,
    feeds: ReadonlySet<FeedName>,
  ): Promise<{ start: SubscribeStart; after: string | null }> {
    const snapshot = await this.snapshot(feeds);
    return {
      start: { kind: 'reset', reset: toReset(reason, snapshot) },
      after: parseCursor(snapshot.cursor)?.position ?? null,
    };
  }

  /**
   * From XINFO STREAM: the oldest kept entry, the newest id ever generated, and whether anything
   * was ever removed (entries added > entries kept). Trimming does not set
   * `max-deleted-entry-id`, so that field cannot tell eviction.
   */
  private async logInfo(): Promise<{ firstId: string | null; lastGeneratedId: string; trimmed: boolean }> {
    const info = (await this.redis.xinfo('STREAM', this.keys.stream).catch(() => [])) as unknown[];
    const field = (name: string) => {
      const index = info.indexOf(name);
      return index >= 0 ? info[index + 1] : undefined;
    };
    const first = field('first-entry');
    const firstId = Array.isArray(first) && typeof first[0] === 'string' ? first[0] : null;
    const last = field('last-generated-id');
    const lastGeneratedId = typeof last === 'string' && isStreamId(last) ? last : '0-0';
    return { firstId, lastGeneratedId, trimmed: Number(field('entries-added') ?? 0) > Number(field('length') ?? 0) };
  }

  private toBusEvent(id: string, fields: string[]): BusEvent | null {
    const event = toEvent(fields);
    return event ? { cursor: formatCursor(this.currentEpoch, id), event } : null;
  }
}

/** Fields `f s t v` of an entry; null for an entry this version does not understand. */
function toEvent(fields: string[]): MetricEvent | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const feed = map.get('f');
  if (!feed || !isFeedName(feed)) return null;
  return { feed, seq: Number(map.get('s')), ts: Number(map.get('t')), value: Number(map.get('v')) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
