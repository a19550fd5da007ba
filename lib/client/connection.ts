import type { HelloData, MetricEvent, ResetData } from '@/lib/metrics/events';
import { EVENT_TYPES } from '@/lib/sse/wire';
import { createBackoff, parseRetryAfter, type Backoff } from './backoff';
import type { ConnectionEnv } from './connection-env';
import { createStallWatchdog, type StallWatchdog } from './stall-watchdog';
import { runSseRequest, type SseMessage, type TransportEnd } from './sse-transport';

/**
 * The connection manager: one SSE stream, kept alive across real networks, as an explicit state
 * machine. Framework-free; timers, fetch, randomness and browser signals come from `env`, so
 * every transition is unit-tested with fake timers (connection.test.ts).
 *
 *   connecting ──hello──▶ live ──end/error──▶ reconnecting ──timer──▶ (attempt) ──hello──▶ live
 *        │                 │  └─no bytes 2.5×heartbeat─▶ stale ──timer──▶ (attempt)
 *        │                 └─reset─▶ resyncing ──first live metric──▶ live
 *        └─4xx─▶ failed           any waiting state ──offline──▶ offline ──online──▶ (attempt)
 */

export const CONNECTION_STATES = [
  'connecting',
  'live',
  'reconnecting',
  'stale',
  'offline',
  'resyncing',
  'failed',
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export interface Transition {
  from: ConnectionState;
  to: ConnectionState;
  reason: string;
  at: number;
}

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the current state was entered, in words a person can read. */
  reason: string;
  /** When the current state was entered (env.now()). */
  since: number;
  /** Reconnection attempts since the last healthy stream. */
  attempt: number;
  /** When the scheduled reconnect fires, or null if none is scheduled. */
  retryAt: number | null;
  epoch: string | null;
  heartbeatMs: number | null;
  /** Set in `failed`: what the server said. */
  error: string | null;
}

/** A stream came back after an outage: what the toast reports. */
export interface Recovery {
  /** From losing the stream to the first live data. */
  outageMs: number;
  /** Events the server replayed (0 after a reset). */
  replayed: number;
  /** Present when the server could not resume and sent a snapshot instead. */
  reset: ResetData | null;
}

/** Where events go and where the resume cursor comes from (the store, via live-metrics.ts). */
export interface ConnectionSink {
  /** Cursor of the last event actually applied, read at every (re)connect. */
  resumeCursor(): string | null;
  onHello(hello: HelloData): void;
  onMetric(event: MetricEvent, cursor: string): void;
  onReset(reset: ResetData): void;
  onStatus(status: ConnectionStatus, transition: Transition | null): void;
  onRecovered(recovery: Recovery): void;
}

export interface ConnectionOptions {
  /** Stream URL without cursor, e.g. `/api/stream` or `/api/stream?feeds=cpu,rps`. */
  url: string;
  env: ConnectionEnv;
  sink: ConnectionSink;
  /** Extra request headers (auth). Default none. */
  headers?: Record<string, string>;
  /** Largest backoff window. Default 30000 ms. */
  maxBackoffMs?: number;
  /** Stall threshold as a multiple of the server's heartbeat. Default 2.5. */
  stallFactor?: number;
  /** Heartbeat assumed until `hello` says otherwise. Default 15000 ms. */
  defaultHeartbeatMs?: number;
  /** A stream live this long counts as healthy and resets the backoff. Default 5000 ms. */
  healthyAfterMs?: number;
}

/** Statuses after which retrying cannot help (auth, not found, bad request…). */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export class ConnectionManager {
  private readonly env: ConnectionEnv;
  private readonly sink: ConnectionSink;
  private readonly backoff: Backoff;
  private readonly stallFactor: number;
  private readonly healthyAfterMs: number;
  private status: ConnectionStatus;
  private abort: AbortController | null = null;
  /** Bumped on every request, so late callbacks from an aborted one are ignored. */
  private generation = 0;
  private retryTimer: unknown = null;
  private readonly watchdog: StallWatchdog;
  private liveSince: number | null = null;
  private outageStartedAt: number | null = null;
  private sentCursor = false;
  private pendingReset: ResetData | null = null;
  private replayed = 0;
  private running = false;
  private unlisten: (() => void)[] = [];

  constructor(private readonly options: ConnectionOptions) {
    this.env = options.env;
    this.sink = options.sink;
    this.stallFactor = options.stallFactor ?? 2.5;
    this.watchdog = createStallWatchdog(
      options.env,
      () => this.stallMs,
      () => this.onStall(),
    );
    this.healthyAfterMs = options.healthyAfterMs ?? 5000;
    this.backoff = createBackoff({ capMs: options.maxBackoffMs ?? 30_000, random: options.env.random });
    this.status = {
      state: 'connecting',
      reason: 'starting',
      since: this.env.now(),
      attempt: 0,
      retryAt: null,
      epoch: null,
      heartbeatMs: null,
      error: null,
    };
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unlisten = [
      this.env.listen('online', () => this.onOnline()),
      this.env.listen('offline', () => this.onOffline()),
      this.env.listen('visible', () => this.onVisible()),
    ];
    this.sink.onStatus(this.status, null);
    if (!this.env.isOnline()) this.goOffline('browser is offline');
    else this.connect('starting');
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.unlisten.forEach((off) => off());
    this.unlisten = [];
    this.clearRetry();
    this.watchdog.clear();
    this.generation += 1;
    this.abort?.abort();
    this.abort = null;
  }

  /** The "Reconnect now" button, and a resume request from the store after a seq gap. */
  reconnectNow(reason = 'reconnect requested'): void {
    if (!this.running) return;
    if (this.status.state === 'failed') this.backoff.reset();
    this.markOutage();
    this.connect(reason);
  }

  // ── requests ────────────────────────────────────────────────────────────────

  private connect(reason: string): void {
    this.clearRetry();
    this.watchdog.clear();
    this.abort?.abort();
    const generation = ++this.generation;
    const abort = new AbortController();
    this.abort = abort;
    this.liveSince = null;
    this.pendingReset = null;
    this.replayed = 0;

    const cursor = this.sink.resumeCursor();
    this.sentCursor = cursor !== null;
    const url = cursor
      ? `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(cursor)}`
      : this.options.url;
    // Every re-attempt is logged; the very first attempt is already the initial `connecting`.
    const to = this.outageStartedAt === null ? 'connecting' : 'reconnecting';
    if (to === 'reconnecting' || this.status.state !== to) this.transition(to, reason, { retryAt: null });

    // The watchdog covers the wait for a response too: a stalled link may never answer at all.
    this.watchdog.feed();
    // The cursor goes in the header too: it is what a reconnecting native EventSource would send.
    const headers = { ...this.options.headers, ...(cursor ? { 'Last-Event-ID': cursor } : {}) };
    void runSseRequest(
      { url, headers, signal: abort.signal, fetch: this.env.fetch },
      {
        onOpen: () => generation === this.generation && this.watchdog.feed(),
        onBytes: () => generation === this.generation && this.watchdog.feed(),
        onRetry: (ms) => generation === this.generation && this.backoff.setBase(ms),
        onEvent: (message) => generation === this.generation && this.onMessage(message),
      },
    ).then((end) => {
      if (generation === this.generation) this.onEnd(end);
    });
  }

  private onMessage(message: SseMessage): void {
    switch (message.event) {
      case EVENT_TYPES.hello:
        return this.onHello(JSON.parse(message.data) as HelloData);
      case EVENT_TYPES.reset:
        return this.onReset(JSON.parse(message.data) as ResetData);
      case EVENT_TYPES.metric:
        return this.onMetric(JSON.parse(message.data) as MetricEvent, message.id ?? '');
      default:
      // Unknown events are ignored, as the SSE spec does: newer servers may send more.
    }
  }

  private onHello(hello: HelloData): void {
    this.status = { ...this.status, epoch: hello.epoch, heartbeatMs: hello.heartbeatMs };
    this.sink.onHello(hello);
    this.watchdog.feed();
    this.replayed = hello.replayed;
    if (this.sentCursor && !hello.resumed) {
      // A reset follows in the same chunk: data is being replaced, not live yet.
      this.transition('resyncing', 'server could not resume from our cursor');
      return;
    }
    this.goLive(hello.resumed ? `resumed, ${hello.replayed} event(s) replayed` : 'stream open');
  }

  private onReset(reset: ResetData): void {
    this.pendingReset = reset;
    this.sink.onReset(reset);
    this.transition('resyncing', `reset: ${reset.reason}`);
  }

  private onMetric(event: MetricEvent, cursor: string): void {
    this.sink.onMetric(event, cursor);
    if (this.status.state === 'resyncing') this.goLive('snapshot applied, live data flowing');
  }

  private goLive(reason: string): void {
    this.liveSince = this.env.now();
    this.transition('live', reason, { error: null, retryAt: null });
    if (this.outageStartedAt !== null) {
      this.sink.onRecovered({
        outageMs: this.env.now() - this.outageStartedAt,
        replayed: this.replayed,
        reset: this.pendingReset,
      });
      this.outageStartedAt = null;
    }
    this.pendingReset = null;
  }

  private onEnd(end: TransportEnd): void {
    this.watchdog.clear();
    this.abort = null;
    if (!this.running || end.kind === 'aborted') return;
    if (this.liveSince !== null && this.env.now() - this.liveSince >= this.healthyAfterMs) this.backoff.reset();
    this.liveSince = null;
    this.markOutage();

    if (end.kind === 'http') {
      if (isPermanent(end.status)) {
        this.transition('failed', `HTTP ${end.status}: ${end.message}`, { error: end.message, retryAt: null });
        return;
      }
      const retryAfter =
        end.status === 503 || end.status === 429 ? parseRetryAfter(end.retryAfter, this.env.now()) : null;
      // Honour the server's Retry-After, with a little jitter so a crowd does not return at once.
      const delay = retryAfter === null ? undefined : Math.round(retryAfter * (1 + 0.1 * this.env.random()));
      this.scheduleRetry('reconnecting', `HTTP ${end.status}: ${end.message}`, delay);
      return;
    }
    this.scheduleRetry(
      'reconnecting',
      end.kind === 'ended' ? 'server ended the stream' : `network error: ${end.message}`,
    );
  }

  // ── waiting ─────────────────────────────────────────────────────────────────

  private scheduleRetry(state: 'reconnecting' | 'stale', reason: string, delayMs?: number): void {
    this.clearRetry();
    if (!this.env.isOnline()) {
      this.goOffline(`${reason}; browser is offline`);
      return;
    }
    const delay = delayMs ?? this.backoff.next();
    const retryAt = this.env.now() + delay;
    this.retryTimer = this.env.setTimeout(() => {
      this.retryTimer = null;
      this.connect(`retry after ${Math.round(delay)} ms`);
    }, delay);
    this.transition(state, reason, { retryAt, attempt: this.backoff.attempt });
  }

  private goOffline(reason: string): void {
    this.clearRetry();
    this.transition('offline', reason, { retryAt: null });
  }

  private markOutage(): void {
    if (this.outageStartedAt === null) this.outageStartedAt = this.env.now();
  }

  /** States in which nothing is connected and we only wait for a timer or a signal. */
  private get waiting(): boolean {
    return this.status.state === 'reconnecting' || this.status.state === 'stale' || this.status.state === 'offline';
  }

  // ── watchdog ────────────────────────────────────────────────────────────────

  private get stallMs(): number {
    return this.stallFactor * (this.status.heartbeatMs ?? this.options.defaultHeartbeatMs ?? 15_000);
  }

  /** No bytes for stallMs: the only way to notice a half-open link. */
  private onStall(): void {
    this.generation += 1;
    this.abort?.abort();
    this.abort = null;
    this.liveSince = null;
    this.markOutage();
    this.scheduleRetry('stale', `no bytes for ${(this.stallMs / 1000).toFixed(1)} s`);
  }

  // ── browser signals ─────────────────────────────────────────────────────────

  private onOnline(): void {
    if (this.waiting) this.connect('browser is back online');
  }

  private onOffline(): void {
    // An open stream may still work (and an emulated "offline" does not cut it): keep it and let
    // the watchdog judge. Only stop waiting to retry, which cannot succeed while offline.
    if (this.waiting && this.abort === null) this.goOffline('browser went offline');
  }

  private onVisible(): void {
    // Hidden tabs throttle timers, so a scheduled retry or the watchdog may be late by minutes.
    if (this.waiting && this.abort === null && this.status.state !== 'offline') this.connect('tab became visible');
    else if (this.abort !== null && this.watchdog.overdue()) this.onStall();
  }

  // ── bookkeeping ─────────────────────────────────────────────────────────────

  private transition(to: ConnectionState, reason: string, patch: Partial<ConnectionStatus> = {}): void {
    const from = this.status.state;
    const now = this.env.now();
    this.status = {
      ...this.status,
      ...patch,
      state: to,
      reason,
      since: from === to ? this.status.since : now,
      attempt: patch.attempt ?? this.backoff.attempt,
    };
    this.sink.onStatus(this.status, { from, to, reason, at: now });
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.env.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
