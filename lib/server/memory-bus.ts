import 'server-only';
import { logger, logRepeated } from './observability/logger';
import { formatCursor, newEpoch, parseCursor } from '@/lib/sse/cursor';
import type { FeedName } from '@/lib/metrics/feeds';
import type { ResetReason, Snapshot } from '@/lib/metrics/events';
import { RingBuffer } from './ring-buffer';
import { SnapshotBuilder } from './snapshot-builder';
import { IdempotencyStore } from './ingest/idempotency-store';
import { orderTimes } from './ts-order';
import {
  OutOfOrderError,
  toReset,
  type Batch,
  type BatchListener,
  type BusEvent,
  type BusFaults,
  type BusStats,
  type EventBus,
  type IdempotencyKey,
  type IngestOutcome,
  type IngestPoint,
  type LogTail,
  type Sample,
  type TsOrder,
  type SubscribeRequest,
  type SubscribeStart,
  type Subscription,
} from './bus';

const log = logger('memory-bus');

export interface MemoryBusOptions {
  /** Events kept for replay, all feeds together (`SSE_REPLAY_CAPACITY`). */
  capacity: number;
  /** History per feed in snapshots and resets, in ms (`SNAPSHOT_WINDOW_MS`). */
  snapshotWindowMs: number;
  /** Defaults to a fresh random epoch: a restarted process is a new epoch. */
  epoch?: string;
  /** How long an ingest `Idempotency-Key` is remembered (`INGEST_KEY_TTL_MS`). Default 600000 ms. */
  keyTtlMs?: number;
  /** Defaults to `Date.now`; injected by tests. */
  now?: () => number;
}

/**
 * The embedded default bus: a ring buffer in this process. Everything is synchronous, so
 * "replay, then attach the live listener" happens without any publish in between: that is
 * what makes the resume seam free of gaps and duplicates here.
 */
export class MemoryBus implements EventBus, BusFaults {
  readonly kind = 'memory' as const;
  private ring: RingBuffer<BusEvent>;
  private readonly seqs = new Map<FeedName, number>();
  /** Each feed's newest `ts`: times within a feed never go back (`TsOrder` in bus.ts). */
  private readonly newestTs = new Map<FeedName, number>();
  private readonly listeners = new Set<BatchListener>();
  private currentEpoch: string;
  private readonly now: () => number;
  private readonly keys: IdempotencyStore;

  constructor(private readonly options: MemoryBusOptions) {
    this.ring = new RingBuffer<BusEvent>(options.capacity);
    this.currentEpoch = options.epoch ?? newEpoch();
    this.now = options.now ?? Date.now;
    this.keys = new IdempotencyStore(options.keyTtlMs ?? 600_000, this.now);
  }

  epoch(): string {
    return this.currentEpoch;
  }

  healthy(): boolean {
    return true;
  }

  publish(samples: readonly Sample[], options: { order?: TsOrder } = {}): Promise<Batch> {
    try {
      return Promise.resolve(this.append(samples, options.order));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * `publish`, synchronously: appends and fans out before it returns (tests and benchmarks).
   * Throws an `OutOfOrderError` for `order: 'exact'` and a point older than its feed's newest.
   */
  append(samples: readonly Sample[], order: TsOrder = 'lift'): Batch {
    const points = samples.map((sample) => ({ ...sample, order }));
    const { ts, late } = orderTimes(points, (feed) => this.newestTs.get(feed));
    if (late.length) throw new OutOfOrderError(late);
    return this.write(samples, ts);
  }

  /** Check, append and remember the key in one synchronous step: nothing can come between. */
  ingest(points: readonly IngestPoint[], key: IdempotencyKey | null): Promise<IngestOutcome> {
    const seen = key && this.keys.get(key.key);
    if (seen) {
      const outcome: IngestOutcome =
        seen.fingerprint === key.fingerprint ? { kind: 'duplicate', accepted: seen.accepted } : { kind: 'key_reused' };
      return Promise.resolve(outcome);
    }
    const { ts, late } = orderTimes(points, (feed) => this.newestTs.get(feed));
    if (late.length) return Promise.resolve({ kind: 'late', points: late });
    const batch = this.write(points, ts);
    if (key) this.keys.remember(key.key, { fingerprint: key.fingerprint, accepted: batch.length });
    return Promise.resolve({ kind: 'applied', batch });
  }

  tail(): Promise<LogTail> {
    const values: LogTail['values'] = {};
    this.ring.scanBackwards(({ event }) => {
      values[event.feed] ??= event.value;
      return Object.keys(values).length < this.seqs.size;
    });
    return Promise.resolve({ appended: this.ring.newest, values });
  }

  /** Appends `samples` with the times `ts` (already ordered) and fans them out as one batch. */
  private write(samples: readonly Sample[], ts: readonly number[]): Batch {
    const batch: BusEvent[] = [];
    samples.forEach((sample, i) => {
      const seq = (this.seqs.get(sample.feed) ?? 0) + 1;
      this.seqs.set(sample.feed, seq);
      this.newestTs.set(sample.feed, ts[i]!);
      const item: BusEvent = {
        cursor: formatCursor(this.currentEpoch, this.ring.newest + 1),
        event: { feed: sample.feed, seq, ts: ts[i]!, value: sample.value },
      };
      this.ring.push(item);
      batch.push(item);
    });
    for (const listener of this.listeners) {
      // One failing subscriber must not starve the others.
      try {
        listener(batch);
      } catch (error) {
        logRepeated(log, 'error', 'subscriber threw', { err: error }, 'subscriber threw');
      }
    }
    return batch;
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }

  subscribe(request: SubscribeRequest, onBatch: BatchListener): Promise<Subscription> {
    const start = this.resolveStart(request);
    this.listeners.add(onBatch);
    return Promise.resolve({ start, unsubscribe: () => this.listeners.delete(onBatch) });
  }

  snapshot(feeds: ReadonlySet<FeedName>): Promise<Snapshot> {
    return Promise.resolve(this.snapshotNow(feeds));
  }

  stats(): BusStats {
    const newest = this.ring.newest;
    return {
      kind: this.kind,
      epoch: this.currentEpoch,
      head: newest > 0 ? formatCursor(this.currentEpoch, newest) : null,
      retained: this.ring.size,
      capacity: this.ring.capacity,
      subscribers: this.listeners.size,
    };
  }

  recent(count: number): Promise<BusEvent[]> {
    const out: BusEvent[] = [];
    this.ring.scanBackwards((item) => out.push(item) < count);
    return Promise.resolve(out.reverse());
  }

  evictHistory(): void {
    this.ring.clear();
  }

  rotateEpoch(): void {
    this.currentEpoch = newEpoch();
    this.ring = new RingBuffer<BusEvent>(this.options.capacity);
    this.seqs.clear();
    this.newestTs.clear();
    // A restart forgets the keys it had applied, as it forgets the events.
    this.keys.clear();
  }

  private resolveStart({ cursor, feeds }: SubscribeRequest): SubscribeStart {
    if (cursor === null) return { kind: 'fresh' };
    const parsed = parseCursor(cursor);
    // Memory positions are plain offsets; a Redis-style `ms-n` position cannot come from us.
    if (!parsed || !/^\d+$/.test(parsed.position)) return this.reset('cursor_invalid', feeds);
    if (parsed.epoch !== this.currentEpoch) return this.reset('epoch_changed', feeds);
    const since = this.ring.since(Number(parsed.position));
    if (since.kind === 'future') return this.reset('cursor_invalid', feeds);
    if (since.kind === 'evicted') return this.reset('cursor_evicted', feeds);
    return { kind: 'resumed', replay: since.items.filter((item) => feeds.has(item.event.feed)) };
  }

  private reset(reason: ResetReason, feeds: ReadonlySet<FeedName>): SubscribeStart {
    return { kind: 'reset', reset: toReset(reason, this.snapshotNow(feeds)) };
  }

  private snapshotNow(feeds: ReadonlySet<FeedName>): Snapshot {
    const windowMs = this.options.snapshotWindowMs;
    const builder = new SnapshotBuilder(feeds, this.now() - windowMs);
    this.ring.scanBackwards((item) => builder.add(item.event));
    const cursor = formatCursor(this.currentEpoch, this.ring.newest);
    return builder.build(this.currentEpoch, cursor, windowMs, (feed) => (this.seqs.get(feed) ?? 0) + 1);
  }
}
