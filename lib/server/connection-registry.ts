import 'server-only';
import { HEARTBEAT_BYTES } from './batch-encoder';
import type { CloseReason, SseConnection } from './sse-connection';

/**
 * The open streams of this process: the connection cap, the one shared heartbeat timer, and
 * the counters `/api/health` reports. One timer for all streams, not one per stream, keeps the
 * per-connection cost to an entry in a Set.
 */

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: Timers = {
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export interface ConnectionRegistryOptions {
  /** `SSE_MAX_CONNECTIONS`. */
  maxConnections: number;
  /** `SSE_HEARTBEAT_MS`. */
  heartbeatMs: number;
  /** Defaults to the real timers (unref'd); injected by tests. */
  timers?: Timers;
}

export type CloseCounts = Record<CloseReason, number>;

export class ConnectionRegistry {
  private readonly open = new Set<SseConnection>();
  private heartbeat: unknown = null;
  private readonly timers: Timers;
  readonly closed: CloseCounts = { client_gone: 0, slow_consumer: 0, shutdown: 0, error: 0, fault: 0 };
  /** Streams opened since start (for health and benchmarks). */
  opened = 0;

  constructor(private readonly options: ConnectionRegistryOptions) {
    this.timers = options.timers ?? realTimers;
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
    }
  }

  /** Pass as the connection's `onClose`. */
  readonly remove = (connection: SseConnection, reason: CloseReason): void => {
    if (!this.open.delete(connection)) return;
    this.closed[reason] += 1;
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

  private beat(): void {
    for (const connection of this.open) connection.write(HEARTBEAT_BYTES);
  }
}
