/**
 * The payloads of wire contract v1, shared by server and client. See docs/protocol.md.
 */
import type { FeedName } from './feeds';

/** `event: metric` data. `seq` is contiguous per feed within an epoch; `ts` is ms since 1970. */
export interface MetricEvent {
  feed: FeedName;
  seq: number;
  ts: number;
  value: number;
}

/** `event: hello` data: the first event of every stream. */
export interface HelloData {
  /** The server's epoch; a different epoch after a reconnect means the server lost its history. */
  epoch: string;
  /** Interval of keep-alive comments, in ms: a client may treat ~2.5× this without bytes as a stall. */
  heartbeatMs: number;
  /**
   * Every feed of this stream gets a point at least this often, in ms (the producer's tick):
   * a client may treat a few missed ticks as a stall, long before the heartbeat would show one.
   * Absent when the data has no fixed rate (then only the heartbeat can tell).
   */
  dataIntervalMs?: number;
  /** The feeds this stream carries. */
  feeds: FeedName[];
  /** True when the request's cursor was honoured and the missed events follow. */
  resumed: boolean;
  /** How many events are replayed before live ones (0 when not resumed). */
  replayed: number;
  /** `memory` or `redis`: which bus serves this instance. */
  bus: string;
  /** Server time when the stream opened, ms since 1970 (for clock-skew-aware lag). */
  serverTime: number;
}

export type ResetReason = 'epoch_changed' | 'cursor_evicted' | 'cursor_invalid';

/** One feed's recent window, columnar. Seqs are contiguous: point i has seq `firstSeq + i`. */
export interface FeedWindow {
  firstSeq: number;
  ts: number[];
  value: number[];
}

/** `GET /api/snapshot` body, and the data of `event: reset`. */
export interface Snapshot {
  epoch: string;
  /** The cursor this snapshot is consistent with: resume from it to continue without gap. */
  cursor: string;
  windowMs: number;
  feeds: Partial<Record<FeedName, FeedWindow>>;
}

/** `event: reset` data: the requested cursor could not be honoured; replace local state. */
export interface ResetData extends Snapshot {
  reason: ResetReason;
}
