import 'server-only';
import { HEARTBEAT_BYTES } from './batch-encoder';
import { getServerMetrics, type ServerMetrics } from './observability/server-metrics';
import type { PlannedEnd } from './planned-end';
import type { CloseReason, SseConnection } from './sse-connection';
import { WriteQueue } from './write-queue';

/**
 * The open streams of this process: the connection cap, the one shared heartbeat timer, and
 * the counters `/api/health` reports. One timer for all streams, not one per stream, keeps the
 * per-connection cost to an entry in a Set.
 *
 * Stream deadlines (rotation, session expiry) ride on the same tick: each beat looks at every
 * open stream's deadline, and only a stream whose deadline falls before the next beat gets an
 * exact timer of its own. So a thousand streams with a 280 s limit cost no timer until their
 * last heartbeat interval, and each still ends on time, not up to a heartbeat late.
 */

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface ConnectionRegistryOptions {
  /** `SSE_MAX_CONNECTIONS`. */
  maxConnections: number;
  /** `SSE_HEARTBEAT_MS`. */
  heartbeatMs: number;
  /** Defaults to the real timers (unref'd); injected by tests. */
  timers?: Timers;
  /** Where closes and heartbeat lateness are counted. Default: this process's (`getServerMetrics()`). */
  metrics?: ServerMetrics;
}

/** A heartbeat run later than this share of the interval counts as late (a blocked event loop). */
const LATE_SHARE = 0.25;

export type CloseCounts = Record<CloseReason, number>;

export class ConnectionRegistry {
  private readonly open = new Set<SseConnection>();
  private heartbeat: unknown = null;
  /** Exact timers of the streams whose deadline comes before the next heartbeat. */
  private readonly deadlineTimers = new Map<SseConnection, unknown>();
  private readonly timers: Timers;
  private readonly metrics: ServerMetrics;
  /** When the heartbeat is next due, to measure how late it runs. */
  private nextBeatAt = 0;
  readonly closed: CloseCounts = {
    client_gone: 0,
    slow_consumer: 0,
    shutdown: 0,
    error: 0,
    fault: 0,
    rotate: 0,
    auth: 0,
  };
  /** Streams opened since start (for health and benchmarks). */
  opened = 0;
  /** The queue every open stream writes through, in turn (write-queue.ts). */
  readonly writes = new WriteQueue();

  constructor(private readonly options: ConnectionRegistryOptions) {
    this.timers = options.timers ?? realTimers;
    this.metrics = options.metrics ?? getServerMetrics();
  }

  /** Where streams add up events and bytes written (`SseConnection`'s `tally`). */
  get tally(): ServerMetrics['tally'] {
    return this.metrics.tally;
  }

  get size(): number {
    return this.open.size;
  }

  get full(): boolean {
    return this.open.size >= this.options.maxConnections;
  }

  /** Whether the shared heartbeat timer is running (it runs only while streams are open). */
  get heartbeatRunning(): boolean {
    return this.heartbeat !== null;
  }

  add(connection: SseConnection): void {
    this.open.add(connection);
    this.opened += 1;
    if (this.heartbeat === null) {
      this.heartbeat = this.timers.setInterval(() => this.beat(), this.options.heartbeatMs);
      this.nextBeatAt = this.timers.now() + this.options.heartbeatMs;
    }
    this.watchDeadline(connection, this.timers.now());
  }

  /** Pass as the connection's `onClose`. */
  readonly remove = (connection: SseConnection, reason: CloseReason): void => {
    if (!this.open.delete(connection)) return;
    this.closed[reason] += 1;
    this.metrics.streamCloses.inc({ reason });
    if (reason === 'slow_consumer') this.metrics.slowConsumerDrops.inc();
    const end = connection.plannedEnd;
    if (end) this.metrics.plannedEnds.inc({ kind: end.kind, reason: end.reason });
    const timer = this.deadlineTimers.get(connection);
    if (timer !== undefined) {
      this.timers.clearTimeout(timer);
      this.deadlineTimers.delete(connection);
    }
    if (this.open.size === 0 && this.heartbeat !== null) {
      this.timers.clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  };

  /** Visits every open stream (the fault route writes duplicate bursts this way). */
  forEach(visit: (connection: SseConnection) => void): void {
    this.open.forEach(visit);
  }

  closeAll(reason: CloseReason): void {
    for (const connection of [...this.open]) connection.close(reason);
  }

  /**
   * Ends every open stream of a session at once (sign-out), with the given in-band reason.
   * Per process: with several instances, each one must hear of the revocation (docs/auth.md).
   * Returns how many streams were ended.
   */
  endSession(sessionId: string, end: PlannedEnd): number {
    let ended = 0;
    for (const connection of [...this.open]) {
      if (connection.sessionId !== sessionId) continue;
      connection.endPlanned(end);
      ended += 1;
    }
    return ended;
  }

  private beat(): void {
    const now = this.timers.now();
    const lagMs = Math.max(0, now - this.nextBeatAt);
    this.nextBeatAt = now + this.options.heartbeatMs;
    this.metrics.heartbeatTicks.inc();
    this.metrics.heartbeatLag.set(lagMs / 1000);
    if (lagMs > this.options.heartbeatMs * LATE_SHARE) this.metrics.heartbeatTicksLate.inc();
    for (const connection of this.open) {
      connection.write(HEARTBEAT_BYTES);
      this.watchDeadline(connection, now);
    }
  }

  /** Arms an exact timer for a stream whose deadline comes before the next beat (see above). */
  private watchDeadline(connection: SseConnection, now: number): void {
    const { deadline } = connection;
    if (!deadline || connection.closed || this.deadlineTimers.has(connection)) return;
    const due = deadline.at - now;
    if (due > this.options.heartbeatMs) return;
    const timer = this.timers.setTimeout(
      () => {
        this.deadlineTimers.delete(connection);
        connection.endPlanned(deadline.end);
      },
      Math.max(0, due),
    );
    this.deadlineTimers.set(connection, timer);
  }
}
