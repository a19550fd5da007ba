import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import type { MetricEvent, ResetData, ResetReason, Snapshot } from '@/lib/metrics/events';

/**
 * The event bus: an ordered, replayable log of metric events shared by every stream of an
 * instance. Two implementations: `memory-bus.ts` (the embedded default, one process) and a
 * Redis Streams bus for several instances. Routes and producers only see this interface.
 */

/** One published event and the cursor that resumes right after it. */
export interface BusEvent {
  cursor: string;
  event: MetricEvent;
}

/**
 * The events of one producer tick, in publish order. Every subscriber receives the same array
 * object, which lets the stream layer encode a tick once per feed set and share the bytes.
 */
export type Batch = readonly BusEvent[];

/** What a producer hands to `publish`: the bus assigns `seq` and the cursor. */
export interface Sample {
  feed: FeedName;
  value: number;
  ts: number;
}

/**
 * The order of time within a feed. Charts draw a feed's points in `ts` order, so the bus keeps
 * every feed's `ts` non-decreasing: a point older than its feed's newest is either lifted to
 * that newest time (`lift`: the producer's clock, or server time given to an ingested point that
 * carried none, so two instances whose clocks differ by a millisecond never lose a point) or
 * refused (`exact`: a time the sender chose, and the history a source loads at start).
 */
export type TsOrder = 'lift' | 'exact';

/** A point pushed from outside the process (`POST /api/ingest`). */
export interface IngestPoint extends Sample {
  order: TsOrder;
}

/**
 * How far an ingested point's `ts` may lie behind and ahead of the server's clock (the ingest
 * route refuses others). Together they bound how unordered a log's times can be across feeds,
 * which is what lets a snapshot walk stop early (`snapshot-builder.ts`).
 */
export const INGEST_MAX_AGE_MS = 60_000;
export const INGEST_MAX_LEAD_MS = 5_000;

/** An `Idempotency-Key` with the fingerprint of the body it came with (ingest/idempotency.ts). */
export interface IdempotencyKey {
  key: string;
  fingerprint: string;
}

/** Points refused because they are older than their feed's newest (nothing was applied). */
export interface LatePoint {
  /** Index in the request's `points`. */
  index: number;
  /** The feed's newest `ts` in the log. */
  newestTs: number;
}

export type IngestOutcome =
  /** Applied now: these events are in the log and on their way to every open stream. */
  | { kind: 'applied'; batch: Batch }
  /** This key was applied before, with the same body, as `accepted` points: nothing done now. */
  | { kind: 'duplicate'; accepted: number }
  /** This key was applied before with another body: nothing done. */
  | { kind: 'key_reused' }
  /** Some points are older than their feed's newest: nothing applied. */
  | { kind: 'late'; points: LatePoint[] };

/** A `publish` with `order: 'exact'` met a point older than its feed's newest: nothing applied. */
export class OutOfOrderError extends Error {
  constructor(readonly points: LatePoint[]) {
    super(`${points.length} point(s) older than their feed's newest: nothing applied`);
    this.name = 'OutOfOrderError';
  }
}

/** Where a log stands, for a source that starts producing into it (source/produce-while-leader.ts). */
export interface LogTail {
  /** Events appended in this epoch (trimmed ones included): 0 means a fresh, empty log. */
  appended: number;
  /** Each feed's newest value, for feeds that have one. */
  values: Partial<Record<FeedName, number>>;
}

export interface SubscribeRequest {
  feeds: ReadonlySet<FeedName>;
  /** The cursor the client sent (`Last-Event-ID` or `?lastEventId=`), unvalidated; null if none. */
  cursor: string | null;
}

/** How a subscription begins, decided atomically with attaching the live listener. */
export type SubscribeStart =
  | { kind: 'fresh' }
  /** The cursor was honoured: `replay` holds exactly the missed events of the requested feeds. */
  | { kind: 'resumed'; replay: BusEvent[] }
  /** The cursor could not be honoured: the client must replace its state with this snapshot. */
  | { kind: 'reset'; reset: ResetData };

export interface Subscription {
  start: SubscribeStart;
  unsubscribe: () => void;
}

export type BatchListener = (batch: Batch) => void;

export interface BusStats {
  kind: 'memory' | 'redis';
  epoch: string;
  /** Cursor of the newest event, or null before the first publish. */
  head: string | null;
  /** Events currently kept for replay, and the most that will be kept. */
  retained: number;
  capacity: number;
  subscribers: number;
}

export interface EventBus {
  readonly kind: 'memory' | 'redis';
  /**
   * The log's epoch, the first part of every cursor. `''` only until the bus first knows it (the
   * Redis bus: until its first connection bootstraps or reads it); never `''` again after that.
   */
  epoch(): string;
  /**
   * Appends one tick's samples and resolves with them as published (seqs and cursors
   * assigned). The memory bus fans the batch out before it resolves; the Redis bus resolves
   * once the log has the events, delivers them through its reader, and rejects when this
   * instance may not publish (not the producer, or not the log's current epoch). Times are
   * lifted by default; `order: 'exact'` rejects with an `OutOfOrderError` instead.
   */
  publish(samples: readonly Sample[], options?: { order?: TsOrder }): Promise<Batch>;
  /**
   * Appends points pushed from outside (any instance may, unlike `publish`), all or nothing.
   * With a key, at most once per key: a retry with the same body is answered `duplicate`, with
   * another body `key_reused` (kept `ttlMs` of the bus options). Check, append and remembering
   * the key are one atomic step, so a crash cannot separate them.
   */
  ingest(points: readonly IngestPoint[], key: IdempotencyKey | null): Promise<IngestOutcome>;
  /** Where the log stands: how much it holds and each feed's newest value. */
  tail(): Promise<LogTail>;
  /**
   * Attaches `onBatch` and computes the start (replay or reset) in one step. Contract: the
   * listener receives every batch published after the replay/snapshot and none before it, so
   * replay followed by live has no gap and no duplicate, even while publishing continues.
   */
  subscribe(request: SubscribeRequest, onBatch: BatchListener): Promise<Subscription>;
  /** The recent window of the requested feeds and the cursor it is consistent with. */
  snapshot(feeds: ReadonlySet<FeedName>): Promise<Snapshot>;
  stats(): BusStats;
  /** The newest `count` events, oldest first (debugging and the duplicate-burst fault). */
  recent(count: number): Promise<BusEvent[]>;
  /** False while the bus cannot serve streams (Redis unreachable); the memory bus always can. */
  healthy(): boolean;
  /** Stops delivering and releases connections and timers (graceful shutdown). Idempotent. */
  close(): Promise<void>;
}

/**
 * Test-only operations for the fault route (`ENABLE_FAULTS=1`), so e2e suites can produce the
 * server-side half of an outage on demand. A bus that cannot do one leaves it undefined.
 */
export interface BusFaults {
  /** Forget all replay history: every existing cursor becomes `cursor_evicted`. */
  evictHistory?(): void;
  /** Behave like a restarted server: new epoch, seqs from 1, no history. Done once it resolves. */
  rotateEpoch?(): void | Promise<void>;
}

/** Helper for both buses: a reset payload from a snapshot. */
export function toReset(reason: ResetReason, snapshot: Snapshot): ResetData {
  return { reason, ...snapshot };
}
