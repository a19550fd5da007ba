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
  unsubscribe(): void;
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
  epoch(): string;
  /**
   * Appends one tick's samples and resolves with them as published (seqs and cursors
   * assigned). The memory bus fans the batch out before it resolves; the Redis bus resolves
   * once the log has the events, delivers them through its reader, and rejects when this
   * instance may not publish (not the producer, or not the log's current epoch).
   */
  publish(samples: readonly Sample[]): Promise<Batch>;
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
