import { ConnectionManager } from '../connection';
import type { ConnectionEnv } from '../connection-env';
import { browserLifecycleEnv, watchLifecycleSignals, type LifecycleSignal } from '../lifecycle-signals';
import type { RenewSession } from '../session-renewal';
import type { OwnStream, SharedStreamListener, StreamSource } from '../stream-source';
import { createFollowerApply, type FollowerApply } from './follower-apply';
import { leaderListener } from './leader-listener';
import { loadSnapshot } from './snapshot-loader';
import type { TabEnv } from './tab-env';
import { createTabSharing } from './tab-sharing';
import type { FollowerMessage, RoleChange, TabSharing, TabSharingOptions } from './types';

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
  /** Election timings and ring size (`TabSharingOptions` in types.ts states their defaults). Default those. */
  sharing?: Partial<
    Pick<TabSharingOptions, 'heartbeatMs' | 'leaseMs' | 'probeTimeoutMs' | 'claimWindowMs' | 'ringCapacity'>
  >;
  /** Renews the session after `event: auth` or a 401 (lib/client/session-renewal.ts). Default none. */
  renewSession?: RenewSession;
  /** This tab's own stream, when it leads. Default a `ConnectionManager` on `url`. */
  createStream?: () => OwnStream;
  /**
   * The page's freeze, back/forward cache and sleep signals (docs/lifecycle.md): the one place
   * this tab listens to its lifecycle, for the sharing and for its own stream alike. Default
   * `watchLifecycleSignals` on the real window and document.
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
  const watchLifecycle =
    options.watchLifecycle ?? ((onSignal) => watchLifecycleSignals(browserLifecycleEnv(), onSignal));

  let sharing: TabSharing | null = null;
  let stream: OwnStream | null = null;
  let teardown: (() => void)[] = [];
  let streams = false;

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

  const onRole = (listener: SharedStreamListener, follower: FollowerApply, change: RoleChange) => {
    listener.onSharing(change);
    streams = change.role === 'leader' || change.role === 'solo';
    if (streams) {
      follower.forget();
      startStream(listener);
    } else stopStream();
  };

  /**
   * A page frozen or kept in the back/forward cache runs no code, yet keeps its Web Lock and its
   * place in the queue: the other tabs would wait for a leader that never speaks. So on `suspend`
   * the tab resigns (says goodbye, releases the lock; another tab leads at once) and on `wake` it
   * stands again and catches up; a page going away for good closes. Resigning makes it a follower,
   * which stops its stream; a `solo` tab cannot resign, so its own stream is stopped here, and
   * started again on `wake`. A page that may have slept checks its stream at once (`check`).
   */
  const onLifecycle = (current: TabSharing, listener: SharedStreamListener, signal: LifecycleSignal) => {
    switch (signal.kind) {
      case 'suspend':
        if (signal.cause === 'pagehide' && !signal.persisted) current.close();
        else current.resign();
        stopStream();
        return;
      case 'wake':
        current.rejoin();
        if (streams) startStream(listener);
        return;
      case 'check':
        stream?.checkNow(signal.reason, signal.asleepSince);
        return;
    }
  };

  /**
   * A page that loads signed in proves that the session is valid now: the server renders the
   * dashboard only for one, and signing in ends on a freshly loaded page. A leader whose stream
   * failed for auth before this page loaded failed on a session replaced since (signed in again
   * in this tab, a reloaded follower): without this, the page would follow it and say "Your
   * session has ended" again, however often the user signed in. So it asks the leader to try
   * again, once per page load; a failure after the load is believed. (With auth off no stream
   * fails for auth.)
   */
  const reviveAfterSignIn = (current: TabSharing, loadedAt: number) => {
    let asked = false;
    return (message: FollowerMessage) => {
      if (asked || message.kind !== 'status') return;
      const { state, failure, since } = message.status;
      // At the very moment of the load counts as before it: one more attempt costs little.
      if (state !== 'failed' || failure !== 'auth' || since > loadedAt) return;
      asked = true;
      current.requestReconnect();
    };
  };

  return {
    sharing: () => sharing,
    start(listener) {
      if (sharing) return;
      const loadedAt = tabEnv.now();
      const follower = createFollowerApply({
        listener,
        loadSnapshot: (signal) => loadSnapshot(connectionEnv.fetch, snapshotUrl, signal),
        holding: () => sharing?.catchingUp() ?? false,
        setTimeout: tabEnv.setTimeout,
        clearTimeout: tabEnv.clearTimeout,
      });
      const current = createTabSharing({
        ...options.sharing,
        env: tabEnv,
        ...(options.channelName ? { channelName: options.channelName } : {}),
        // The cursor of the last event actually applied: commit what waits for the next frame first.
        cursor: () => {
          listener.flush();
          return listener.resumeCursor();
        },
        onRole: (change) => onRole(listener, follower, change),
      });
      sharing = current;
      const revive = reviveAfterSignIn(current, loadedAt);
      teardown = [
        () => follower.stop(),
        current.onMessage((message) => {
          follower.apply(message);
          revive(message);
        }),
        current.onRequest(() => stream?.reconnectNow({ kind: 'user' })),
        watchLifecycle((signal) => onLifecycle(current, listener, signal)),
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
