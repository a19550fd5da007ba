import { browserEnv } from '@/lib/client/connection-env';
import { refreshSession } from '@/lib/client/session-renewal';
import { createSharedSource } from '@/lib/client/sharing/shared-source';
import { browserTabEnv } from '@/lib/client/sharing/tab-env';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { createLive, type Live } from './live';

/**
 * A `Live` for this browser tab on the real window, fetch and timers. Its source is shared by
 * the tabs of this browser profile and origin (lib/client/sharing/shared-source.ts): one tab
 * leads and runs the only `ConnectionManager`, the others follow over a BroadcastChannel; where
 * sharing is impossible the tab runs its own stream. Creating it touches nothing (no request, no timer, no
 * channel, no lock) until `retain()`, so it is also safe to create during server rendering,
 * where it is never retained.
 *
 * The choice of source is made here and nowhere else.
 */

export interface BrowserLiveOptions {
  feeds: readonly string[];
  snapshot?: WireSnapshot | undefined;
  /** Default `/api/stream` (all feeds: one multiplexed stream per browser). */
  url?: string;
}

export function createBrowserLive({ feeds, snapshot, url = '/api/stream' }: BrowserLiveOptions): Live {
  const env = browserEnv();
  return createLive({
    source: createSharedSource({
      url,
      connectionEnv: env,
      tabEnv: browserTabEnv(),
      // The leader renews the session when its stream ends for auth; the cookie serves every tab.
      renewSession: refreshSession(env.fetch),
    }),
    feeds,
    env,
    ...(snapshot ? { snapshot } : {}),
  });
}
