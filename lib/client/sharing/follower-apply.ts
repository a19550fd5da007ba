import type { WireMetric, WireReset } from '@/lib/sse/payloads';
import type { ConnectionStatus } from '../connection-status';
import type { SharedStreamListener } from '../stream-source';
import type { SnapshotAttempt } from './snapshot-loader';
import type { FollowerMessage } from './types';

/**
 * A follower tab's side of a shared stream: what the leader tab broadcasts, delivered to this
 * tab's `StreamListener` (the binding) exactly as its own `ConnectionManager` would have. So the
 * same binding, the same frame buffer and the same idempotent merge apply the events, and the
 * badge, countdown, transition log and recovery toast show the leader's connection.
 *
 * The one message with no stream equivalent is `catch-up-failed`: the leader no longer holds
 * what this tab misses (its ring was evicted, or it began after this tab's first paint: a tab
 * rendered before the leader's own). Then `loadSnapshot` fetches `GET /api/snapshot` (one
 * request at a time, asked again when slow: `SNAPSHOT_ATTEMPTS_MS`) and the listener merges it
 * (same epoch) or replaces with it (another epoch). Live events wait for it as they wait for a
 * catch-up answer, for the same reason.
 */

export interface FollowerApply {
  apply(message: FollowerMessage): void;
  /**
   * This tab takes over the stream (it leads, or goes solo): drops the live events that wait, and
   * ends a snapshot still loading. Its own stream resumes from what the store applied, before them, and brings them again;
   * applied later, they could land after a reset that stream brought (another epoch's events on
   * top of the new one's).
   */
  forget(): void;
  /** The source stopped: drops what waits, checks nothing more, ends a snapshot still loading. */
  stop(): void;
}

export interface FollowerApplyOptions {
  listener: SharedStreamListener;
  /** One attempt at the snapshot, ended by `signal` (snapshot-loader.ts). */
  loadSnapshot: (signal: AbortSignal) => Promise<SnapshotAttempt>;
  /** Whether a catch-up answer is awaited (`TabSharing.catchingUp`); live events wait meanwhile. */
  holding: () => boolean;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

/** How often held events check whether the catch-up answer came (it is bounded in the leader's heartbeats). */
const HOLD_CHECK_MS = 100;

/**
 * How long each attempt at the snapshot may take, in order; live events wait through all of
 * them. A slow snapshot is not a lost one: a loaded server can take more than 5 s to answer
 * (e2e/scale-out.spec.ts: two servers and eight tabs hydrating on two cores), and a starved tab
 * can run its timer before the answer already waiting in its queue. Given up, it would apply the
 * waiting events over the hole and count a gap per feed for data that was only late; asked again
 * with more time, it joins with none (e2e/tabs-follower-snapshot.spec.ts). Each attempt is a new
 * request (the server may still be building the abandoned one: a cost paid only when it is
 * slow). After the last attempt, or at once on an answer that is a failure (an error status, a
 * refused connection, a bad body), the events apply, the hole counts as a gap, and the next
 * announce asks again: a hung fetch holds a tab's events for about 35 s at most (on its own
 * timers), while its values show as overdue.
 */
export const SNAPSHOT_ATTEMPTS_MS: readonly number[] = [5000, 10_000, 20_000];

export function createFollowerApply(options: FollowerApplyOptions): FollowerApply {
  const { listener, loadSnapshot, holding } = options;
  /** The last reset applied: the recovery toast of a resync names it, as a leader's would. */
  let lastReset: WireReset | null = null;
  /** The snapshot being loaded: its attempt in flight (fetch and timeout). Null when none. */
  let loading: { controller: AbortController; timer: unknown } | null = null;
  /**
   * Live metrics received while a catch-up answer is awaited (a tab that just joined, or that
   * found a hole). Applied before it, they would open a hole in the store that the answer fills
   * a moment later, but a commit in between would count it as a gap. Order does not matter to
   * the merge, only that both land before the hole is judged.
   */
  let held: { event: WireMetric; cursor: string }[] = [];
  let checking = false;
  let stopped = false;
  /**
   * Live events wait while a catch-up answer is awaited, and while a snapshot loads: until it
   * lands or every attempt failed. Not until one deadline of this tab's own: on a starved
   * machine that timer can run before the answer already waiting in the queue.
   */
  const waiting = () => holding() || loading !== null;

  const release = () => {
    const items = held;
    held = [];
    for (const { event, cursor } of items) listener.onMetric(event, cursor);
  };
  const check = () => {
    checking = false;
    if (stopped) return;
    if (!waiting()) return release();
    checking = true;
    options.setTimeout(check, HOLD_CHECK_MS);
  };
  const hold = (event: WireMetric, cursor: string) => {
    held.push({ event, cursor });
    if (!checking) check();
  };

  /** Ends the load in flight: its fetch and its timeout. What it would bring is no longer wanted. */
  const endLoad = () => {
    if (!loading) return;
    options.clearTimeout(loading.timer);
    loading.controller.abort();
    loading = null;
  };
  /** Attempt `n` at the snapshot; the last one to end releases what waited. */
  const attempt = async (n: number): Promise<void> => {
    const controller = new AbortController();
    const load = { controller, timer: options.setTimeout(() => controller.abort(), SNAPSHOT_ATTEMPTS_MS[n]!) };
    loading = load;
    const result = await loadSnapshot(controller.signal).catch((): SnapshotAttempt => ({ ok: false, timedOut: false }));
    // Ended meanwhile (stopped, or this tab took over the stream): nothing to do.
    if (loading !== load) return;
    options.clearTimeout(load.timer);
    if (!result.ok && result.timedOut && n + 1 < SNAPSHOT_ATTEMPTS_MS.length) return attempt(n + 1);
    loading = null;
    try {
      if (result.ok) listener.onSnapshot(result.snapshot);
    } finally {
      // The snapshot is in the store: what arrived meanwhile follows it, with no hole between.
      if (!holding()) release();
    }
  };
  const snapshotOnce = () => {
    if (!loading) void attempt(0);
  };

  return {
    forget() {
      held = [];
      // Its own stream resumes from what the store holds: the snapshot is not needed, and applied
      // later it could land on top of what that stream brought (another epoch's reset).
      endLoad();
    },
    stop() {
      stopped = true;
      held = [];
      endLoad();
    },
    apply(message) {
      if (stopped) return;
      switch (message.kind) {
        case 'item':
          if (message.item.kind === 'metric') {
            if (waiting()) hold(message.item.event, message.item.cursor);
            else {
              listener.onMetric(message.item.event, message.item.cursor);
              // The answer's events came first in this task; what waited for them follows.
              if (held.length) queueMicrotask(release);
            }
          } else {
            release();
            lastReset = message.item.reset;
            listener.onReset(message.item.reset);
          }
          return;
        case 'status': {
          const { transition, clockOffsetMs, ...rest } = message.status;
          const status: ConnectionStatus = rest;
          // The leader's hello measured it; every tab shares the client clock (Date.now).
          if (clockOffsetMs !== null) listener.onClockOffset(clockOffsetMs);
          listener.onStatus(status, transition);
          return;
        }
        case 'recovery': {
          const { outageMs, replayed, resetReason } = message.recovery;
          // The toast only needs to know that a reset happened and why; the reset itself (and what
          // this tab's store lost to it) went through onReset.
          const reset =
            resetReason === null
              ? null
              : (lastReset ?? { epoch: '?', cursor: '?', windowMs: 0, feeds: {}, reason: resetReason });
          listener.onRecovered({ outageMs, replayed, reset });
          lastReset = null;
          return;
        }
        case 'catch-up-failed':
          snapshotOnce();
          return;
      }
    },
  };
}
