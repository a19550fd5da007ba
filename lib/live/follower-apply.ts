import type { ConnectionStatus } from '@/lib/client/connection-status';
import type { StreamListener } from '@/lib/client/stream-source';
import type { FollowerMessage } from '@/lib/client/tabs/tab-sharing';
import type { WireReset } from '@/lib/sse/payloads';

/**
 * A follower tab's side of a shared stream: what the leader tab broadcasts, delivered to this
 * tab's `StreamListener` (the binding) exactly as its own `ConnectionManager` would have. So the
 * same binding, the same frame buffer and the same idempotent merge apply the events, and the
 * badge, countdown, transition log and recovery toast show the leader's connection.
 *
 * The one message with no stream equivalent is `catch-up-failed`: the leader no longer holds
 * what this tab misses. Then `loadSnapshot` fetches `GET /api/snapshot` (one request at a time)
 * and the listener merges it (same epoch) or replaces with it (another epoch).
 */

export interface FollowerApply {
  apply(message: FollowerMessage): void;
}

export interface FollowerApplyOptions {
  listener: StreamListener;
  /** Resolves with the snapshot, or null when it could not be loaded (the next gap asks again). */
  loadSnapshot(): Promise<Parameters<NonNullable<StreamListener['onSnapshot']>>[0] | null>;
}

export function createFollowerApply({ listener, loadSnapshot }: FollowerApplyOptions): FollowerApply {
  /** The last reset applied: the recovery toast of a resync names it, as a leader's would. */
  let lastReset: WireReset | null = null;
  let loading = false;

  const snapshotOnce = () => {
    if (loading) return;
    loading = true;
    void loadSnapshot()
      .then((snapshot) => snapshot && listener.onSnapshot?.(snapshot))
      .finally(() => {
        loading = false;
      });
  };

  return {
    apply(message) {
      switch (message.kind) {
        case 'item':
          if (message.item.kind === 'metric') listener.onMetric(message.item.event, message.item.cursor);
          else {
            lastReset = message.item.reset;
            listener.onReset(message.item.reset);
          }
          return;
        case 'status': {
          const { transition, clockOffsetMs: _offset, ...rest } = message.status;
          const status: ConnectionStatus = rest;
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
