import type { SharedStreamListener, StreamListener } from '../stream-source';
import type { TabSharing } from './types';

/**
 * What the leader tab's own stream delivers to: its binding first (this tab applies like any
 * other), then the same thing published to the follower tabs. A solo tab uses it too: `publish`
 * then only records the events, so that a later handover still has them (tab-sharing.ts).
 *
 * Order matters: each event is handed to the binding before it is published, and the status is
 * published after the binding saw it (a transition flushes the binding's frame buffer), so the
 * cursor this tab reports is never behind what it told the others.
 */
export function leaderListener(listener: SharedStreamListener, sharing: TabSharing, now: () => number): StreamListener {
  let clockOffsetMs: number | null = null;
  return {
    // flush, onSnapshot, onSharing, onProtocolError: this tab's business only.
    ...listener,
    resumeCursor: () => listener.resumeCursor(),
    onHello(hello) {
      clockOffsetMs = hello.serverTime - now();
      listener.onHello(hello);
    },
    onMetric(event, cursor) {
      listener.onMetric(event, cursor);
      sharing.publish({ kind: 'metric', cursor, event });
    },
    onReset(reset) {
      listener.onReset(reset);
      sharing.publish({ kind: 'reset', cursor: reset.cursor, reset });
    },
    onStatus(status, transition) {
      listener.onStatus(status, transition);
      sharing.publishStatus({ ...status, clockOffsetMs, transition });
    },
    onRecovered(recovery) {
      listener.onRecovered(recovery);
      sharing.publishRecovery({
        outageMs: recovery.outageMs,
        replayed: recovery.replayed,
        resetReason: recovery.reset?.reason ?? null,
      });
    },
  };
}
