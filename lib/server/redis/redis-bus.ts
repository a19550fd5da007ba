import 'server-only';
import { logger, logRepeated } from '../observability/logger';
import { instrumentRedis } from '../observability/redis-metrics';
import { getServerMetrics } from '../observability/server-metrics';
import { Redis } from 'ioredis';
import { formatCursor, parseCursor } from '@/lib/sse/cursor';
import type { FeedName } from '@/lib/metrics/feeds';
import type { ResetReason, Snapshot } from '@/lib/metrics/events';
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
} from '../bus';
import { SnapshotBuilder } from '../snapshot-builder';
import { createEpochFence, type EpochFence } from './epoch-fence';
import { createResumeSeam } from './resume-seam';
import { createStreamReader, type StreamReader } from './stream-reader';
import {
  EpochFencedError,
  redisKeys,
  StreamLog,
  type AppendAnswer,
  type AppendRequest,
  type FenceAnswer,
  type LogEntry,
  type RedisKeys,
} from './stream-log';
import { parseStreamId } from './stream-id';

const log = logger('redis-bus');

/**
 * The bus for several instances: a Redis Stream is the shared, ordered log. This file is the
 * facade; the parts are `stream-log.ts` (every command on the log), `stream-reader.ts` (the one
 * XREAD loop), `epoch-fence.ts` (the epoch check) and `resume-seam.ts` (replay then live).
 *
 * - The producer (one instance, holding the lease) appends; Redis refuses the append unless the
 *   caller holds the lease and names the log's current epoch. Ingested points may be appended
 *   by any instance (still fenced by the epoch), with their idempotency key checked and
 *   remembered in the same script.
 * - Resume is one script that checks the cursor and reads the replay atomically. A cursor is
 *   `<epoch>.<stream id>`, the epoch stored in Redis: every instance gives an event the same id.
 * - Every command has a timeout. When Redis stalls, fails or loses data, the instance says so
 *   (`healthy()`), and calls `onInterrupt` so open streams end and their clients resume (or
 *   learn the reset) instead of freezing.
 */

export interface RedisBusOptions {
  url: string;
  /** Key prefix, so several apps can share a Redis. Default `rtd`. */
  prefix?: string;
  /** Events kept in the stream (`SSE_REPLAY_CAPACITY`); older ones are trimmed exactly. */
  capacity: number;
  snapshotWindowMs: number;
  /** Identifies this instance in the producer lease. */
  instanceId: string;
  /** How long an ingest `Idempotency-Key` is remembered in Redis (`INGEST_KEY_TTL_MS`). Default 600000 ms. */
  keyTtlMs?: number;
  /**
   * Whether this bus reads the log (the XREAD loop on its own connection) to deliver it to
   * subscribers. False for a process that only appends (`npm run producer`). Default true.
   */
  reads?: boolean;
  /** How long one XREAD blocks. Default 5000 ms. */
  blockMs?: number;
  /** Timeout of every command (the blocking XREAD gets `blockMs` on top). Default 1000 ms. */
  commandTimeoutMs?: number;
  /** How often the epoch and Redis's `run_id` are re-checked. Default 1000 ms. */
  checkEveryMs?: number;
  /** Longest a subscribe may take before it gives up as unavailable. Default 4000 ms. */
  subscribeTimeoutMs?: number;
  /**
   * Open subscriptions cannot continue: Redis is unavailable, the epoch changed (data loss), or
   * the reader's own position was trimmed. The runtime ends the open streams, so clients
   * reconnect and resume by cursor, or get the reset. Default: nothing.
   */
  onInterrupt?: (reason: InterruptReason) => void;
  now?: () => number;
}

export type InterruptReason = 'unavailable' | 'epoch_changed' | 'reader_behind';

export class BusUnavailableError extends Error {
  constructor(detail = 'Redis unreachable', options?: { cause: unknown }) {
    super(`the event bus is unavailable (${detail})`, options);
    this.name = 'BusUnavailableError';
  }
}

export class RedisBus implements EventBus, BusFaults {
  readonly kind = 'redis' as const;
  readonly keys: RedisKeys;
  /** Commands (fail fast while disconnected, so requests are not queued behind an outage). */
  readonly redis: Redis;
  /** Dedicated to the blocking XREAD loop. */
  private readonly readerConnection: Redis;
  private readonly log: StreamLog;
  private readonly reader: StreamReader;
  private readonly fence: EpochFence;
  private readonly listeners = new Set<BatchListener>();
  private readonly now: () => number;
  private currentEpoch = '';
  private readerToken = 0;
  private readerOk = true;
  private length = 0;
  private wasHealthy = false;
  /** An epoch check succeeded since the command connection last (re)connected. */
  private confirmed = false;
  private started = false;

  /** Builds the parts; no connection and no timer until `start()`. */
  constructor(private readonly options: RedisBusOptions) {
    this.keys = redisKeys(options.prefix ?? 'rtd');
    this.now = options.now ?? Date.now;
    const commandTimeout = options.commandTimeoutMs ?? 1000;
    const blockMs = options.blockMs ?? 5000;
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    } as const;
    this.redis = new Redis(options.url, {
      ...common,
      maxRetriesPerRequest: 1,
      commandTimeout,
      // A link that stops answering (stall, dead host without FIN) is dropped and reconnected.
      socketTimeout: commandTimeout * 3,
    });
    instrumentRedis(this.redis, getServerMetrics());
    this.readerConnection = new Redis(options.url, {
      ...common,
      maxRetriesPerRequest: null,
      commandTimeout: blockMs + commandTimeout,
    });
    this.log = new StreamLog(this.redis, this.keys);
    this.reader = createStreamReader({
      redis: this.readerConnection,
      stream: this.keys.stream,
      blockMs,
      onEntries: (entries, token) => this.deliver(entries, token),
      onGap: (token) => this.readerFellBehind(token),
      onHealth: (ok) => {
        this.readerOk = ok;
        this.updateHealth();
      },
    });
    this.fence = createEpochFence({
      log: this.log,
      everyMs: options.checkEveryMs ?? 1000,
      onAnswer: (answer) => this.adopt(answer),
      onHealth: (_ok, error) => this.updateHealth(error),
    });
  }

  /** Connects both links and starts the epoch check and the reader. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // Errors are reported through health (and logged once per outage there); ioredis reconnects.
    this.redis.on('error', () => {});
    this.readerConnection.on('error', () => {});
    this.redis.on('ready', () => {
      this.updateHealth();
      void this.fence.check();
    });
    this.redis.on('close', () => {
      // Whatever is on the other side after a reconnect (a restarted, emptied, restored Redis)
      // must pass an epoch check before this instance serves streams again.
      this.confirmed = false;
      this.updateHealth();
    });
    this.redis.connect().catch(() => {});
    this.fence.start();
    if (this.options.reads === false) return;
    this.readerConnection.connect().catch(() => {});
    this.reader.start();
  }

  close(): Promise<void> {
    this.started = false;
    this.fence.stop();
    this.reader.stop();
    this.listeners.clear();
    this.readerConnection.disconnect();
    this.redis.disconnect();
    return Promise.resolve();
  }

  epoch(): string {
    return this.currentEpoch;
  }

  healthy(): boolean {
    return (
      this.currentEpoch !== '' && this.redis.status === 'ready' && this.confirmed && this.fence.ok && this.readerOk
    );
  }

  async publish(samples: readonly Sample[], options: { order?: TsOrder } = {}): Promise<Batch> {
    if (samples.length === 0) return [];
    const order = options.order ?? 'lift';
    const points = samples.map((sample) => ({ ...sample, order }));
    const { epoch, answer } = await this.append({ leaseHolder: this.options.instanceId, points, key: null });
    if (answer.kind === 'late') throw new OutOfOrderError(answer.points);
    if (answer.kind !== 'ok') throw new Error(`unexpected append answer ${answer.kind}`);
    return this.published(epoch, points, answer.entries);
  }

  async ingest(points: readonly IngestPoint[], key: IdempotencyKey | null): Promise<IngestOutcome> {
    const ttlMs = this.options.keyTtlMs ?? 600_000;
    const { epoch, answer } = await this.append({ leaseHolder: null, points, key: key && { ...key, ttlMs } });
    if (answer.kind !== 'ok') return answer;
    return { kind: 'applied', batch: this.published(epoch, points, answer.entries) };
  }

  async tail(): Promise<LogTail> {
    const record = await this.log.record();
    const values: LogTail['values'] = {};
    if (!record || record.n === 0) return { appended: 0, values };
    for (const item of await this.recent(200)) values[item.event.feed] = item.event.value;
    return { appended: record.n, values };
  }

  async subscribe(request: SubscribeRequest, onBatch: BatchListener): Promise<Subscription> {
    if (!this.healthy()) throw new BusUnavailableError();
    // Listen first, then read the replay: the seam passes on only what is newer than its end.
    const seam = createResumeSeam(onBatch);
    const { listener } = seam;
    this.listeners.add(listener);
    try {
      const { start, after } = await withDeadline(this.resolveStart(request), this.options.subscribeTimeoutMs ?? 4000);
      seam.open(after);
      return { start, unsubscribe: () => this.listeners.delete(listener) };
    } catch (error) {
      this.listeners.delete(listener);
      throw error instanceof BusUnavailableError ? error : new BusUnavailableError(String(error), { cause: error });
    }
  }

  async snapshot(feeds: ReadonlySet<FeedName>): Promise<Snapshot> {
    if (!this.healthy()) throw new BusUnavailableError();
    const epoch = this.currentEpoch;
    // The record gives the head and the seqs consistent with it in one read: a feed with no
    // point in the window still gets its true next seq (not 1).
    const record = await this.log.record();
    if (!record || record.epoch !== epoch) {
      void this.fence.check();
      throw new BusUnavailableError('the log is changing epoch');
    }
    const windowMs = this.options.snapshotWindowMs;
    const builder = new SnapshotBuilder(feeds, this.now() - windowMs);
    await this.log.walkBack(record.last, (entry) => builder.add(entry.event));
    const cursor = formatCursor(epoch, record.last);
    return builder.build(epoch, cursor, windowMs, (feed) => (record.seqs.get(feed) ?? 0) + 1);
  }

  stats(): BusStats {
    const head = this.reader.position;
    return {
      kind: this.kind,
      epoch: this.currentEpoch,
      head: head === null || head === '0-0' || this.currentEpoch === '' ? null : formatCursor(this.currentEpoch, head),
      retained: this.length,
      capacity: this.options.capacity,
      subscribers: this.listeners.size,
    };
  }

  async recent(count: number): Promise<BusEvent[]> {
    return this.toBusEvents(await this.log.newest(count));
  }

  /** Fault: drops every entry; old cursors then read as evicted. */
  evictHistory(): void {
    this.log.evictAll().catch(() => {});
  }

  /** Fault: a new epoch for everyone (other instances adopt it at their next check). */
  async rotateEpoch(): Promise<void> {
    await this.fence.rotate();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** One `APPEND` under the epoch this instance knows. */
  private async append(
    request: Omit<AppendRequest, 'epoch' | 'capacity'>,
  ): Promise<{ epoch: string; answer: AppendAnswer }> {
    const epoch = this.currentEpoch;
    if (epoch === '') throw new BusUnavailableError('no epoch yet');
    try {
      return { epoch, answer: await this.log.append({ ...request, epoch, capacity: this.options.capacity }) };
    } catch (error) {
      // The log is not the one we know: find out now rather than at the next scheduled check.
      if (error instanceof EpochFencedError) void this.fence.check();
      throw error;
    }
  }

  /** The batch as the log stored it: seqs, times and cursors from the append's answer. */
  private published(
    epoch: string,
    points: readonly Sample[],
    entries: readonly { id: string; seq: number; ts: number }[],
  ): BusEvent[] {
    return points.map((point, i) => ({
      cursor: formatCursor(epoch, entries[i]!.id),
      event: { feed: point.feed, seq: entries[i]!.seq, ts: entries[i]!.ts, value: point.value },
    }));
  }

  /** A fence answer: same epoch (keep going), or a new one (move the reader, end the streams). */
  private adopt(answer: FenceAnswer): void {
    this.length = answer.length;
    this.confirmed = true;
    if (answer.epoch === this.currentEpoch) return this.updateHealth();
    const previous = this.currentEpoch;
    this.currentEpoch = answer.epoch;
    this.readerToken = this.reader.moveTo(answer.last, answer.n);
    if (previous === '') {
      log.info(
        { epoch: answer.epoch },
        `epoch ${answer.epoch} (${answer.outcome === 'kept' ? 'existing log' : 'new log'})`,
      );
    } else {
      log.warn(
        { previous, epoch: answer.epoch, outcome: answer.outcome },
        `epoch changed ${previous} -> ${answer.epoch} (${answer.outcome}): ending open streams`,
      );
      this.options.onInterrupt?.('epoch_changed');
    }
    this.updateHealth();
  }

  private deliver(entries: LogEntry[], token: number): void {
    if (token !== this.readerToken) return;
    const batch = this.toBusEvents(entries);
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (error) {
        logRepeated(log, 'error', 'subscriber threw', { err: error }, 'subscriber threw');
      }
    }
  }

  private readerFellBehind(token: number): void {
    if (token !== this.readerToken) return;
    // Passing the read on would be a silent hole: end the streams so they resume by cursor
    // (a replay if their position is still kept, else a cursor_evicted reset).
    log.warn('entries were trimmed before this instance read them: ending open streams');
    this.options.onInterrupt?.('reader_behind');
  }

  private updateHealth(error?: unknown): void {
    if (!this.started) return; // closing: the links going down is not an outage
    const healthy = this.healthy();
    if (healthy === this.wasHealthy) return;
    this.wasHealthy = healthy;
    getServerMetrics().redisAvailable.set(healthy ? 1 : 0);
    if (healthy) log.info({ epoch: this.currentEpoch }, `Redis available (epoch ${this.currentEpoch})`);
    else log.warn(`Redis unavailable: degraded${error ? ` (${describe(error)})` : ''}`);
    if (!healthy) this.options.onInterrupt?.('unavailable');
  }

  private async resolveStart({
    cursor,
    feeds,
  }: SubscribeRequest): Promise<{ start: SubscribeStart; after: string | null }> {
    if (cursor === null) return { start: { kind: 'fresh' }, after: null };
    const parsed = parseCursor(cursor);
    // Validated before it reaches Redis: each part of a stream id must fit in 64 bits.
    const position = parsed ? parseStreamId(parsed.position) : null;
    if (!parsed || !position) return this.reset('cursor_invalid', feeds);
    if (parsed.epoch !== this.currentEpoch) return this.reset('epoch_changed', feeds);
    let answer;
    try {
      answer = await this.log.resume(parsed.epoch, position);
    } catch {
      // Whatever Redis made of this cursor, the client gets fresh state in-band, not a dropped
      // socket (if Redis itself is down, the snapshot fails too and the stream says "retry").
      return this.reset('cursor_invalid', feeds);
    }
    if (answer.kind === 'reset') {
      // The log changed epoch under us and the check has not run yet: run it, then answer with
      // a snapshot of the new epoch.
      if (answer.reason === 'epoch_changed') await this.fence.check();
      return this.reset(answer.reason, feeds);
    }
    const replay = this.toBusEvents(answer.entries).filter((item) => feeds.has(item.event.feed));
    return { start: { kind: 'resumed', replay }, after: answer.entries.at(-1)?.id ?? position };
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

  private toBusEvents(entries: readonly LogEntry[]): BusEvent[] {
    return entries.map((entry) => ({ cursor: formatCursor(this.currentEpoch, entry.id), event: entry.event }));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BusUnavailableError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
