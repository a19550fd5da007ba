import type { WireMetric, WireReset, WireSnapshot } from '@/lib/sse/payloads';
import type { ConnectionStatus } from '../connection-status';
import type { SharedStreamListener } from '../stream-source';
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
 * request at a time) and the listener merges it (same epoch) or replaces with it (another
 * epoch). Live events wait for it as they wait for a catch-up answer, for the same reason.
 */

export interface FollowerApply {
  apply(message: FollowerMessage): void;
  /**
   * This tab takes over the stream (it leads, or goes solo): drops the live events that wait.
   * Its own stream resumes from what the store applied, before them, and brings them again;
   * applied later, they could land after a reset that stream brought (another epoch's events on
   * top of the new one's).
   */
  forget(): void;
  /** The source stopped: drops what waits, checks nothing more, ignores a snapshot still loading. */
  stop(): void;
}

export interface FollowerApplyOptions {
  listener: SharedStreamListener;
  /** Resolves with the snapshot, or null when it could not be loaded (the next gap asks again). */
  loadSnapshot: () => Promise<WireSnapshot | null>;
  /** Whether a catch-up answer is awaited (`TabSharing.catchingUp`); live events wait meanwhile. */
  holding: () => boolean;
  setTimeout: (callback: () => void, ms: number) => unknown;
}

/** How often held events check whether the catch-up answer came (it is bounded in the leader's heartbeats). */
const HOLD_CHECK_MS = 100;

/**
 * The longest a snapshot's fetch may take (snapshot-loader.ts aborts it then), and so the
 * longest live events wait for it. A fetch that hangs (a cut link) must not freeze the tab: past
 * this the events apply, the hole counts as a gap, and the next announce asks again.
 */
export const SNAPSHOT_HOLD_MS = 5000;

export function createFollowerApply(options: FollowerApplyOptions): FollowerApply {
  const { listener, loadSnapshot, holding } = options;
  /** The last reset applied: the recovery toast of a resync names it, as a leader's would. */
  let lastReset: WireReset | null = null;
  let loading = false;
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
   * Live events wait while a catch-up answer is awaited, and while a snapshot loads: until its
   * fetch settles, which the loader bounds. Not until a deadline of this tab's own: on a starved
   * machine that timer can run before the answer already waiting in the queue.
   */
  const waiting = () => holding() || loading;

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

  const snapshotOnce = () => {
    if (loading) return;
    loading = true;
    void loadSnapshot()
      .then((snapshot) => snapshot && !stopped && listener.onSnapshot(snapshot))
      .finally(() => {
        loading = false;
        // The snapshot is in the store: what arrived meanwhile follows it, with no hole between.
        if (!stopped && !holding()) release();
      });
  };

  return {
    forget() {
      held = [];
    },
    stop() {
      stopped = true;
      held = [];
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
