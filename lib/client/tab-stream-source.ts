import { ConnectionManager } from './connection';
import type { ConnectionEnv } from './connection-env';
import { browserLifecycleEnv, watchLifecycleSignals, type LifecycleSignal } from './lifecycle-signals';
import type { RenewSession } from './session-renewal';
import type { OwnStream, SharedStreamListener, StreamSource } from './stream-source';
import type { RoleChange } from './tab-role';

/**
 * A `StreamSource` for this tab alone: its own `ConnectionManager`, no BroadcastChannel, no Web
 * Lock, nothing shared with other tabs. What lib/live uses when tab sharing is off
 * (`APP_CONFIG.sharing`, lib/metrics/app-config.ts). It still acts on the page's lifecycle as the
 * shared source does (docs/lifecycle.md): a frozen or cached page stops its stream, so the server
 * frees the slot and the page stays eligible for the back/forward cache; it starts again from
 * its cursor on wake, and a page that may have slept checks its stream at once.
 */

export interface TabStreamSourceOptions {
  /** Stream URL (without cursor). Default `/api/stream`. */
  url?: string;
  connectionEnv: ConnectionEnv;
  /** Renews the session after `event: auth` or a 401 (session-renewal.ts). Default none. */
  renewSession?: RenewSession;
  /** The stream itself. Default a `ConnectionManager` on `url`. */
  createStream?: () => OwnStream;
  /** The page's lifecycle signals. Default `watchLifecycleSignals` on the real window and document. */
  watchLifecycle?: (onSignal: (signal: LifecycleSignal) => void) => () => void;
}

/** What the binding is told this tab is: it runs its own stream, by configuration. */
export const SHARING_OFF_ROLE: RoleChange = {
  role: 'solo',
  mode: 'none',
  reason: 'tab sharing is off: this tab runs its own stream',
  leaderId: null,
};

export function createTabStreamSource(options: TabStreamSourceOptions): StreamSource<SharedStreamListener> {
  const { connectionEnv, renewSession } = options;
  const url = options.url ?? '/api/stream';
  const createStream =
    options.createStream ??
    (() => new ConnectionManager({ url, env: connectionEnv, ...(renewSession ? { renewSession } : {}) }));
  const watchLifecycle =
    options.watchLifecycle ?? ((onSignal) => watchLifecycleSignals(browserLifecycleEnv(), onSignal));

  let listener: SharedStreamListener | null = null;
  let stream: OwnStream | null = null;
  let unwatch: (() => void) | null = null;

  const startStream = () => {
    if (stream || !listener) return;
    // A fresh manager after every suspension: no stale backoff or outage bookkeeping.
    stream = createStream();
    stream.start(listener);
  };
  const stopStream = () => {
    stream?.stop();
    stream = null;
  };
  const onLifecycle = (signal: LifecycleSignal) => {
    if (signal.kind === 'suspend') stopStream();
    else if (signal.kind === 'wake') startStream();
    else stream?.checkNow(signal.reason, signal.asleepSince);
  };

  return {
    start(next) {
      if (listener) return;
      listener = next;
      next.onSharing(SHARING_OFF_ROLE);
      startStream();
      unwatch = watchLifecycle(onLifecycle);
    },
    stop() {
      if (!listener) return;
      unwatch?.();
      unwatch = null;
      stopStream();
      listener = null;
    },
    reconnectNow(intent) {
      stream?.reconnectNow(intent);
    },
  };
}
