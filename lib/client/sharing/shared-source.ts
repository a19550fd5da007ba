import { snapshotSchema, type WireSnapshot } from '@/lib/sse/payloads';
import { check } from '@/lib/sse/validate';
import { ConnectionManager } from '../connection';
import type { ConnectionEnv } from '../connection-env';
import { browserLifecycleEnv, watchLifecycleSignals, type LifecycleSignal } from '../lifecycle-signals';
import type { RenewSession } from '../session-renewal';
import type { OwnStream, SharedStreamListener, StreamSource } from '../stream-source';
import { createFollowerApply, SNAPSHOT_HOLD_MS } from './follower-apply';
import { leaderListener } from './leader-listener';
import { followPageLifecycle } from './page-lifecycle';
import type { TabEnv } from './tab-env';
import { createTabSharing } from './tab-sharing';
import type { RoleChange, TabSharing, TabSharingOptions } from './types';

/**
 * A `StreamSource` shared by every tab of this browser profile and origin: one SSE stream, not
 * one per tab (HTTP/1.1 allows six connections per origin; the seventh tab would never load).
 * docs/tab-sharing.md explains the roles, the protocol and the handover.
 *
 *   leader / solo  → runs its own stream (a fresh `ConnectionManager` per leadership) and feeds
 *                    the binding through `leaderListener`, which also publishes to the other tabs
 *   follower       → runs no stream; `createFollowerApply` feeds the binding what the leader sent
 *
 * The binding cannot tell the difference: it gets the same calls either way. What goes up
 * (../stream-source.ts): `reconnectNow({ kind: 'user' })` goes to whichever tab runs the stream,
 * `reconnectNow({ kind: 'gap' })` in a follower asks the leader to catch it up, and `flush` then
 * `resumeCursor` say where a new leader resumes and what a follower asks to be caught up from.
 */

export interface SharedSourceOptions {
  /** Stream URL (without cursor). Default `/api/stream`. */
  url?: string;
  /** Snapshot URL for a follower the leader cannot catch up. Default `/api/snapshot`. */
  snapshotUrl?: string;
  connectionEnv: ConnectionEnv;
  tabEnv: TabEnv;
  /** BroadcastChannel name and lock prefix. Default `rtd-live`. */
  channelName?: string;
  /** Election timings and ring size (tab-sharing.ts states their defaults). Default those. */
  sharing?: Partial<
    Pick<TabSharingOptions, 'heartbeatMs' | 'leaseMs' | 'probeTimeoutMs' | 'claimWindowMs' | 'ringCapacity'>
  >;
  /** Renews the session after `event: auth` or a 401 (lib/client/session-renewal.ts). Default none. */
  renewSession?: RenewSession;
  /** This tab's own stream, when it leads. Default a `ConnectionManager` on `url`. */
  createStream?: () => OwnStream;
  /** Hands the lead over on pagehide/freeze. Default `followPageLifecycle` on window and document. */
  followLifecycle?: (sharing: TabSharing) => () => void;
  /**
   * Freeze, back/forward cache and sleep signals for this tab's own stream (docs/lifecycle.md).
   * Default `watchLifecycleSignals` on the real window and document.
   */
  watchLifecycle?: (onSignal: (signal: LifecycleSignal) => void) => () => void;
}

export interface SharedSource extends StreamSource<SharedStreamListener> {
  /** The sharing while started (stream inspector, tests); null when stopped. */
  sharing(): TabSharing | null;
}

export function createSharedSource(options: SharedSourceOptions): SharedSource {
  const { connectionEnv, tabEnv } = options;
  const url = options.url ?? '/api/stream';
  const snapshotUrl = options.snapshotUrl ?? '/api/snapshot';
  const { renewSession } = options;
  const createStream =
    options.createStream ??
    (() => new ConnectionManager({ url, env: connectionEnv, ...(renewSession ? { renewSession } : {}) }));
  const followLifecycle = options.followLifecycle ?? ((sharing: TabSharing) => followPageLifecycle(sharing));
  const watchLifecycle =
    options.watchLifecycle ?? ((onSignal) => watchLifecycleSignals(browserLifecycleEnv(), onSignal));

  let sharing: TabSharing | null = null;
  let stream: OwnStream | null = null;
  let teardown: (() => void)[] = [];
  let streams = false;

  const loadSnapshot = async (): Promise<WireSnapshot | null> => {
    try {
      // Bounded like the hold it ends (follower-apply.ts): a hung fetch must not block the next ask.
      const response = await connectionEnv.fetch(snapshotUrl, {
        cache: 'no-store',
        signal: AbortSignal.timeout(SNAPSHOT_HOLD_MS),
      });
      if (!response.ok) return null;
      const parsed = check(snapshotSchema, await response.json());
      return parsed.ok ? parsed.value : null;
    } catch {
      // Offline or cut: the leader's next announce shows this tab behind again, and it asks again.
      return null;
    }
  };

  const startStream = (listener: SharedStreamListener) => {
    const current = sharing;
    if (stream || !current) return;
    // A fresh manager per leadership: no stale backoff or outage bookkeeping from an old term.
    stream = createStream();
    stream.start(leaderListener(listener, current, connectionEnv.now));
  };
  const stopStream = () => {
    stream?.stop();
    stream = null;
  };

  const onRole = (listener: SharedStreamListener, change: RoleChange) => {
    listener.onSharing(change);
    streams = change.role === 'leader' || change.role === 'solo';
    if (streams) startStream(listener);
    else stopStream();
  };

  /**
   * A leader's stream already stops on freeze/pagehide, because it resigns (followLifecycle).
   * This covers the rest: a `solo` tab (it cannot resign) stops and restarts its own stream, and
   * a page that may have slept checks its stream at once (lib/client/lifecycle-signals.ts).
   */
  const onLifecycle = (listener: SharedStreamListener, signal: LifecycleSignal) => {
    if (signal.kind === 'suspend') stopStream();
    else if (signal.kind === 'wake' && streams) startStream(listener);
    else if (signal.kind === 'check') stream?.checkNow(signal.reason, signal.asleepSince);
  };

  return {
    sharing: () => sharing,
    start(listener) {
      if (sharing) return;
      const current = createTabSharing({
        ...options.sharing,
        env: tabEnv,
        ...(options.channelName ? { channelName: options.channelName } : {}),
        // The cursor of the last event actually applied: commit what waits for the next frame first.
        cursor: () => {
          listener.flush();
          return listener.resumeCursor();
        },
        onRole: (change) => onRole(listener, change),
      });
      sharing = current;
      const follower = createFollowerApply({
        listener,
        loadSnapshot,
        holding: () => current.catchingUp(),
        setTimeout: tabEnv.setTimeout,
        now: tabEnv.now,
      });
      teardown = [
        current.onMessage((message) => follower.apply(message)),
        current.onRequest(() => stream?.reconnectNow({ kind: 'user' })),
        followLifecycle(current),
        watchLifecycle((signal) => onLifecycle(listener, signal)),
      ];
      current.start();
    },
    stop() {
      if (!sharing) return;
      teardown.forEach((off) => off());
      teardown = [];
      // Closing says goodbye and releases the lock first, so another tab takes over at once.
      const closing = sharing;
      sharing = null;
      closing.close();
      stopStream();
      streams = false;
    },
    reconnectNow(intent) {
      if (stream) stream.reconnectNow(intent);
      // A follower's hole is filled from its leader's ring, not by a new request to the server.
      else if (intent.kind === 'gap') sharing?.requestCatchUp();
      else sharing?.requestReconnect();
    },
  };
}
