import { browserEnv, type ConnectionEnv } from '@/lib/client/connection-env';
import type { LifecycleSignal } from '@/lib/client/lifecycle-signals';
import { refreshSession } from '@/lib/client/session-renewal';
import { createSharedSource } from '@/lib/client/sharing/shared-source';
import { browserTabEnv } from '@/lib/client/sharing/tab-env';
import type { SharedStreamListener, StreamSource } from '@/lib/client/stream-source';
import { createTabStreamSource } from '@/lib/client/tab-stream-source';
import { APP_CONFIG, type TabSharingMode } from '@/lib/metrics/app-config';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { createLive, type Live } from './live';

/**
 * A `Live` for this browser tab on the real window, fetch and timers. Its source depends on one
 * switch, `APP_CONFIG.sharing` (lib/metrics/app-config.ts):
 * - `'tabs'` (the default): shared by the tabs of this browser profile and origin
 *   (lib/client/sharing/shared-source.ts): one tab leads and runs the only `ConnectionManager`,
 *   the others follow over a BroadcastChannel; where sharing is impossible the tab runs its own.
 * - `'off'`: every tab runs its own stream (lib/client/tab-stream-source.ts); no channel, no lock.
 * Creating it touches nothing (no request, no timer, no channel, no lock) until `retain()`, so it
 * is also safe to create during server rendering, where it is never retained.
 *
 * The choice of source is made here and nowhere else.
 */

export interface BrowserLiveOptions {
  feeds: readonly string[];
  snapshot?: WireSnapshot | undefined;
  /** Default `/api/stream` (all feeds: one multiplexed stream per browser, or per tab with sharing off). */
  url?: string;
  /** Default `APP_CONFIG.sharing` (`'tabs'` unless the app config says otherwise). */
  sharing?: TabSharingMode;
}

export interface BrowserSourceOptions {
  url: string;
  sharing: TabSharingMode;
  env: ConnectionEnv;
  /** The page's lifecycle signals. Default the real window's and document's. */
  watchLifecycle?: (onSignal: (signal: LifecycleSignal) => void) => () => void;
}

/** The source of one tab's data: the only place the sharing switch is read. */
export function createBrowserSource(options: BrowserSourceOptions): StreamSource<SharedStreamListener> {
  const { url, env, watchLifecycle } = options;
  // The stream renews the session when it ends for auth; the cookie serves every tab.
  const renewSession = refreshSession(env.fetch);
  const common = { url, connectionEnv: env, renewSession, ...(watchLifecycle ? { watchLifecycle } : {}) };
  // Tab sharing's one line (with its two imports): docs/fork.md, "Drop tab sharing".
  if (options.sharing === 'tabs') return createSharedSource({ ...common, tabEnv: browserTabEnv() });
  return createTabStreamSource(common);
}

export function createBrowserLive({
  feeds,
  snapshot,
  url = '/api/stream',
  sharing = APP_CONFIG.sharing,
}: BrowserLiveOptions): Live {
  const env = browserEnv();
  return createLive({
    source: createBrowserSource({ url, sharing, env }),
    feeds,
    env,
    ...(snapshot ? { snapshot } : {}),
  });
}
