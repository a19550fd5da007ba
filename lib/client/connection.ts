import { decodeMessage, type ProtocolError, type WireEvent } from '@/lib/sse/decode';
import type { SseMessage } from '@/lib/sse/wire';
import { createBackoff, MAX_TIMER_MS, type Backoff } from './backoff';
import type { ConnectionEnv } from './connection-env';
import { initialStatus, reconnectReason, type ConnectionState, type ConnectionStatus } from './connection-status';
import { PlannedEnds, type AnnouncedEnd } from './planned-end';
import { RecoveryTracker } from './recovery-tracker';
import { AUTH_FAILURE_REASON, decideAfterEnd } from './retry-policy';
import { createStallWatchdog, type StallWatchdog } from './stall-watchdog';
import { SessionRenewal, type RenewOutcome, type RenewSession } from './session-renewal';
import { runSseRequest, type TransportEnd } from './sse-transport';
import type { OwnStream, ReconnectIntent, StreamListener } from './stream-source';

/**
 * The connection manager: one SSE stream, kept alive across real networks, as an explicit state
 * machine (the states and their diagram are in connection-status.ts). Framework-free; timers,
 * fetch, randomness and browser signals come from `env`, so every transition is unit-tested
 * with fake timers (connection.test.ts, connection-recovery.test.ts).
 *
 * It owns *when* to connect and which state it is in. What to do after a failed request is the
 * retry policy's call (retry-policy.ts), how long to wait the backoff's (backoff.ts), what an
 * outage cost the recovery tracker's (recovery-tracker.ts), when a stream is stalled the
 * watchdog's (stall-watchdog.ts), which ends were announced planned-end.ts's, whether to renew
 * the session session-renewal.ts's, and how a request is read sse-transport.ts's. What is left
 * here is one idea, the transitions and when each happens; it runs past 300 lines because they
 * read best together, each with the reason it happens.
 */

export interface ConnectionOptions {
  /** Stream URL without cursor, e.g. `/api/stream` or `/api/stream?feeds=cpu,rps`. */
  url: string;
  env: ConnectionEnv;
  /** Extra request headers (auth). Default none. */
  headers?: Record<string, string>;
  /** Largest backoff window. Default 30000 ms. */
  maxBackoffMs?: number;
  /** Stall threshold as a multiple of the server's heartbeat. Default 2.5. */
  stallFactor?: number;
  /** Heartbeat assumed until `hello` says otherwise. Default 15000 ms. */
  defaultHeartbeatMs?: number;
  /**
   * When `hello` says how often every feed gets a point (`dataIntervalMs`), a stream silent for
   * this many of those ticks is stalled too, long before the heartbeat rule would say so.
   * Default 3.
   */
  missedTicks?: number;
  /**
   * The tick rule never calls a silence shorter than this a stall: a busy machine runs a page's
   * timers and a server's ticks a second or two late, and a false stall costs a reconnect.
   * Default 3000 ms.
   */
  minDataStallMs?: number;
  /** A stream live this long counts as healthy and resets the backoff. Default 5000 ms. */
  healthyAfterMs?: number;
  /**
   * Renews the session after `event: auth` or a `401` (e.g. `refreshSession(fetch)` from
   * session-renewal.ts). Default none: such an end is `failed` with `failure: 'auth'` at once.
   */
  renewSession?: RenewSession;
  /** A renewal that has not answered after this long counts as `unavailable`. Default 10000 ms. */
  renewTimeoutMs?: number;
}

/** A session renewal in flight, and the latest refused request it answers for. */
interface RenewWait {
  refused: { generation: number; reason: string; quiet: boolean; error: string };
}

export class ConnectionManager implements OwnStream {
  private readonly env: ConnectionEnv;
  private readonly backoff: Backoff;
  private readonly watchdog: StallWatchdog;
  private readonly recovery = new RecoveryTracker();
  private readonly plannedEnds = new PlannedEnds();
  private readonly renewal: SessionRenewal;
  private readonly stallFactor: number;
  private readonly healthyAfterMs: number;
  private listener: StreamListener | null = null;
  private status: ConnectionStatus;
  private abort: AbortController | null = null;
  /** Bumped on every request, so late callbacks from an aborted one are ignored. */
  private generation = 0;
  private retryTimer: unknown = null;
  private liveSince: number | null = null;
  /** The retry a "Reconnect now" replaced (its time), until that manual attempt goes live or fails. */
  private replacedRetryAt: number | null = null;
  private sentCursor = false;
  /** From the last `hello` that said it (kept across reconnects, so a hanging attempt is judged by it too). */
  private dataIntervalMs: number | null = null;
  private unlisten: (() => void)[] = [];
  /** The session renewal in flight, and the refused request it answers for (the latest one). */
  private renewing: RenewWait | null = null;

  constructor(private readonly options: ConnectionOptions) {
    this.env = options.env;
    this.stallFactor = options.stallFactor ?? 2.5;
    this.healthyAfterMs = options.healthyAfterMs ?? 5000;
    this.watchdog = createStallWatchdog(
      options.env,
      () => this.stallMs,
      () => this.onStall(),
    );
    this.backoff = createBackoff({ capMs: options.maxBackoffMs ?? 30_000, random: options.env.random });
    this.status = initialStatus(this.env.now());
    this.renewal = new SessionRenewal(options.renewSession ?? null);
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  start(listener: StreamListener): void {
    if (this.listener) return;
    this.listener = listener;
    this.unlisten = [
      this.env.listen('online', () => this.onOnline()),
      this.env.listen('offline', () => this.onOffline()),
      this.env.listen('visible', () => this.onVisible()),
    ];
    listener.onStatus(this.status, null);
    if (!this.env.isOnline()) this.goOffline('browser is offline');
    else this.connect('starting');
  }

  stop(): void {
    if (!this.listener) return;
    this.listener = null;
    this.unlisten.forEach((off) => off());
    this.unlisten = [];
    this.renewing = null;
    this.clearRetry();
    this.dropRequest();
  }

  reconnectNow(intent: ReconnectIntent): void {
    if (!this.listener) return;
    if (this.status.state === 'failed') this.backoff.reset();
    // Remember the attempt this one replaces: if it fails too, the next wait ends no later.
    const pending = this.status.retryAt;
    this.replacedRetryAt = pending !== null && pending > this.env.now() ? pending : null;
    this.recovery.streamLost(this.env.now());
    this.connect(reconnectReason(intent));
  }

  /**
   * The page may have slept or been throttled while the stream looked open (lifecycle-signals.ts):
   * judge it now instead of waiting for the watchdog. A stream that received a byte within the
   * last heartbeat (and after `asleepSince`, when the page is known to have run no code since
   * then) is alive and kept; otherwise it is replaced at once by a request from the cursor. A
   * pending retry is not waited out either. `failed` waits for the user, as always.
   */
  checkNow(reason: string, asleepSince: number | null = null): void {
    if (!this.listener) return;
    if (this.waiting) {
      if (this.status.state !== 'offline' || this.env.isOnline()) this.connect(reason);
      return;
    }
    if (this.abort === null) return;
    if (this.watchdog.fedSince(Math.max(asleepSince ?? -Infinity, this.env.now() - this.quietMs))) return;
    this.dropRequest();
    this.streamEnded();
    this.connect(reason);
  }

  // ── requests ────────────────────────────────────────────────────────────────

  /** `quiet`: a planned reconnect (rotation, renewed session) that leaves the state as it is. */
  private connect(reason: string, quiet = false): void {
    const listener = this.listener;
    if (!listener) return;
    this.clearRetry();
    this.dropRequest();
    const generation = this.generation;
    const abort = new AbortController();
    this.abort = abort;
    this.liveSince = null;
    this.recovery.attemptStarted();
    this.plannedEnds.clear();

    // The transition comes first: a listener commits what the old stream delivered on it, so
    // the cursor read next is that of the last event actually applied. Every re-attempt is
    // logged; the very first attempt is already the initial `connecting`. A quiet reconnect
    // makes no transition, so it asks the listener to commit directly.
    const to = this.recovery.inOutage ? 'reconnecting' : 'connecting';
    if (quiet) listener.flush?.();
    else if (to === 'reconnecting' || this.status.state !== to) this.transition(to, reason, { retryAt: null });
    // The listener may have reacted by reconnecting (a gap found in what it committed) or stopping.
    if (generation !== this.generation || this.listener !== listener) return;
    const cursor = listener.resumeCursor();
    this.sentCursor = cursor !== null;
    const url = cursor
      ? `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(cursor)}`
      : this.options.url;

    // The watchdog covers the wait for a response too: a stalled link may never answer at all.
    this.watchdog.feed();
    // The cursor goes in the header too: it is what a reconnecting native EventSource would send.
    const headers = { ...this.options.headers, ...(cursor ? { 'Last-Event-ID': cursor } : {}) };
    const current = () => generation === this.generation;
    void runSseRequest(
      { url, headers, signal: abort.signal, fetch: this.env.fetch },
      {
        onOpen: () => current() && this.watchdog.feed(),
        onBytes: () => current() && this.watchdog.feed(),
        // The short `retry:` after a planned end is for native EventSource clients, not for us.
        onRetry: (ms) => current() && !this.plannedEnds.pending && this.backoff.setBase(ms),
        onEvent: (message) => current() && this.onMessage(message),
      },
    ).then((end) => current() && this.onEnd(end));
  }

  /** Aborts the request in flight (if any) and makes its late callbacks no-ops. */
  private dropRequest(): void {
    this.watchdog.clear();
    this.generation += 1;
    this.abort?.abort();
    this.abort = null;
  }

  private onMessage(message: SseMessage): void {
    const decoded = decodeMessage(message);
    if (decoded.kind === 'event') this.onEvent(decoded.event);
    else if (decoded.kind === 'error') this.onProtocolError(decoded.error);
    // 'ignored': an event this client does not know, as the SSE spec does.
  }

  private onEvent(event: WireEvent): void {
    const listener = this.listener;
    if (!listener || this.plannedEnds.note(event)) return;
    switch (event.type) {
      case 'hello': {
        const { hello } = event;
        this.status = { ...this.status, epoch: hello.epoch, heartbeatMs: hello.heartbeatMs };
        this.dataIntervalMs = hello.dataIntervalMs ?? null;
        listener.onHello(hello);
        this.watchdog.feed();
        this.recovery.helloReceived(hello.replayed);
        if (this.sentCursor && !hello.resumed) {
          // A reset follows in the same chunk: data is being replaced, not live yet.
          this.transition('resyncing', 'server could not resume from our cursor');
          return;
        }
        this.goLive(hello.resumed ? `resumed, ${hello.replayed} event(s) replayed` : 'stream open');
        return;
      }
      case 'reset':
        this.recovery.resetReceived(event.reset);
        listener.onReset(event.reset);
        this.transition('resyncing', `reset: ${event.reset.reason}`);
        return;
      case 'metric':
        listener.onMetric(event.metric, event.cursor);
        if (this.status.state === 'resyncing') this.goLive('snapshot applied, live data flowing');
        else this.metricDelivered();
        return;
      case 'rotate':
      case 'auth':
        return; // Noted above (plannedEnds), acted on when the stream ends.
    }
  }

  /**
   * A malformed event. A metric is dropped (its seq becomes a hole the replay fills); without a
   * valid hello or reset the stream cannot be followed, so it is given up and retried later.
   */
  private onProtocolError(error: ProtocolError): void {
    this.listener?.onProtocolError(error);
    if (error.event === 'metric') return this.metricDelivered();
    this.liveSince = null;
    this.dropRequest();
    this.recovery.streamLost(this.env.now());
    this.scheduleRetry('reconnecting', `protocol error: ${error.message}`);
  }

  private goLive(reason: string): void {
    this.liveSince = this.env.now();
    this.replacedRetryAt = null;
    this.renewal.streamLive();
    this.transition('live', reason, { error: null, retryAt: null });
    const recovery = this.recovery.wentLive(this.env.now());
    if (recovery) this.listener?.onRecovered(recovery);
  }

  /** A metric went by: after the last one of a replay, the recovery is complete. */
  private metricDelivered(): void {
    const recovery = this.recovery.metricDelivered();
    if (recovery) this.listener?.onRecovered(recovery);
  }

  private onEnd(end: TransportEnd): void {
    this.watchdog.clear();
    this.abort = null;
    if (!this.listener || end.kind === 'aborted') return;
    // A stream that announced its end and then ended (or broke while ending) ended as planned.
    const announced = end.kind === 'ended' || end.kind === 'network' ? this.plannedEnds.take() : null;
    if (announced) return this.afterPlannedEnd(announced);
    if (end.kind === 'http' && end.status === 401) {
      // A 401 is an answer, not a lost stream: no outage starts (a first connect whose token
      // expired while the page loaded stays `connecting`). Renewed quietly when the badge still
      // says live, i.e. the refused request was a planned reconnect (a rotation) of a live stream.
      this.liveSince = null;
      return this.renewThenConnect(`HTTP 401: ${end.message}`, this.status.state === 'live', end.message);
    }
    this.streamEnded();

    if (end.kind === 'consumer-error') {
      // A bug in this page, not the network's fault: retrying would replay the same events into
      // the same bug. Say so, report it like an uncaught error, and wait for "Reconnect now".
      const message = end.error instanceof Error ? end.error.message : String(end.error);
      this.transition('failed', `client error: ${message}`, { error: message, retryAt: null });
      this.env.reportError(end.error);
      return;
    }
    const decision = decideAfterEnd(end, this.env.now(), this.env.random, {
      floorMs: this.backoff.baseMs,
      capMs: this.backoff.capMs,
    });
    if (decision.kind === 'fail') this.transition('failed', decision.reason, { error: decision.error, retryAt: null });
    else this.scheduleRetry('reconnecting', decision.reason, decision.delayMs);
  }

  /**
   * A stream that was healthy for `healthyAfterMs` resets the backoff however it ended (a clean
   * end, an error, a stall): after ten minutes live, the next outage starts from the base again.
   */
  private streamEnded(): void {
    if (this.liveSince !== null && this.env.now() - this.liveSince >= this.healthyAfterMs) this.backoff.reset();
    this.liveSince = null;
    this.recovery.streamLost(this.env.now());
  }

  // ── planned ends (planned-end.ts, session-renewal.ts) ────────────────────────

  /** Not an outage: no `reconnecting`, no recovery toast; the cursor carries on without a gap. */
  private afterPlannedEnd(announced: AnnouncedEnd): void {
    if (this.liveSince !== null && this.env.now() - this.liveSince >= this.healthyAfterMs) this.backoff.reset();
    this.liveSince = null;
    if (announced.kind === 'auth') return this.renewThenConnect(`session ${announced.reason}`, true);
    this.status = { ...this.status, rotations: this.plannedEnds.rotations };
    this.listener?.onStatus(this.status, null);
    this.connect('planned rotation', true);
  }

  /**
   * Renews the session once, then resumes from the cursor (quietly after a planned end). A
   * renewal refused means sign-in is needed: `failed`, and no retry until then. A renewal that
   * could not be made is an outage like any other: back off and try again.
   *
   * A request may start while the renewal is in flight (a wake-up check or "Reconnect now"
   * does not wait out a pending retry), and it carries the old cookie. Refused in turn, it
   * waits for the same renewal instead of starting another (which would count as the second
   * refusal of a renewed session: `failed` for auth). Renewed, the stream reconnects with the
   * new cookie, replacing such a request unless it went live after all.
   */
  private renewThenConnect(reason: string, quiet: boolean, error = 'Your session has ended: sign in again.'): void {
    const refused = { generation: this.generation, reason, quiet, error };
    if (this.renewing) {
      this.renewing.refused = refused;
      return;
    }
    const wait: RenewWait = { refused };
    this.renewing = wait;
    let settled = false;
    const finish = (outcome: RenewOutcome) => {
      if (settled) return;
      settled = true;
      this.env.clearTimeout(timer);
      // Stopped meanwhile: nothing is left to do.
      if (this.renewing !== wait || !this.listener) return;
      this.renewing = null;
      const { generation, reason, quiet, error } = wait.refused;
      const current = generation === this.generation;
      if (outcome === 'renewed') {
        if (!current && this.status.state === 'live') return;
        return this.connect(`${reason}; session renewed`, quiet && current);
      }
      // Reconnected by hand meanwhile, and not refused since: that request owns the state now.
      if (!current) return;
      if (outcome === 'denied') {
        // The reason is exactly `auth` (retry-policy.ts): sign-in needed, nothing retries until then.
        this.transition('failed', AUTH_FAILURE_REASON, {
          error,
          failure: 'auth',
          retryAt: null,
        });
        return;
      }
      this.recovery.streamLost(this.env.now());
      this.scheduleRetry('reconnecting', `${reason}; session renewal failed`);
    };
    const timer = this.env.setTimeout(() => finish('unavailable'), this.options.renewTimeoutMs ?? 10_000);
    void this.renewal.attempt().then(finish, () => finish('unavailable'));
  }

  // ── waiting ─────────────────────────────────────────────────────────────────

  private scheduleRetry(state: 'reconnecting' | 'stale', reason: string, delayMs: number | null = null): void {
    this.clearRetry();
    if (!this.env.isOnline()) {
      this.goOffline(`${reason}; browser is offline`);
      return;
    }
    // A server's Retry-After replaces the backoff's delay but still counts as an attempt.
    const backoffDelay = this.backoff.next();
    let delay = Math.min(delayMs ?? backoffDelay, MAX_TIMER_MS);
    // "Reconnect now" must never push the next attempt later than the one it replaced.
    if (this.replacedRetryAt !== null) {
      delay = Math.max(0, Math.min(delay, this.replacedRetryAt - this.env.now()));
      this.replacedRetryAt = null;
    }
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

  /** States in which nothing is connected and we only wait for a timer or a signal. */
  private get waiting(): boolean {
    return this.status.state === 'reconnecting' || this.status.state === 'stale' || this.status.state === 'offline';
  }

  // ── watchdog ────────────────────────────────────────────────────────────────

  private get heartbeatMs(): number {
    return this.status.heartbeatMs ?? this.options.defaultHeartbeatMs ?? 15_000;
  }

  /**
   * The stall threshold, by whichever rule speaks first. The heartbeat rule (2.5 × heartbeat)
   * needs nothing but keep-alive comments, but at the default 15 s it leaves a dead link looking
   * live for 37.5 s. When the server says how often data comes (`hello.dataIntervalMs`), the data
   * itself is the better signal: a few missed ticks are a stall (3 s for feeds at 1 Hz). The
   * server's heartbeat stays what it is for (keeping idle proxies from closing the stream), and
   * costs no extra writes on every stream. A pause in the data while the link is fine is then
   * also called a stall: the reconnect it causes resumes from the cursor, costs one request and
   * replays nothing that was not missed, and says honestly that no data arrives.
   */
  private get stallMs(): number {
    const byHeartbeat = this.stallFactor * this.heartbeatMs;
    if (this.dataIntervalMs === null) return byHeartbeat;
    const byTicks = Math.max(
      this.options.minDataStallMs ?? 3000,
      (this.options.missedTicks ?? 3) * this.dataIntervalMs,
    );
    return Math.min(byHeartbeat, byTicks);
  }

  /** The longest a healthy stream stays silent: what checkNow() allows before replacing it. */
  private get quietMs(): number {
    return Math.min(this.heartbeatMs, this.stallMs);
  }

  /** No bytes for stallMs: the only way to notice a half-open link. */
  private onStall(): void {
    this.dropRequest();
    this.streamEnded();
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
      failure: patch.failure ?? null,
    };
    this.listener?.onStatus(this.status, { from, to, reason, at: now });
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.env.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
