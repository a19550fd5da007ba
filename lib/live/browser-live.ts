import { ConnectionManager } from '@/lib/client/connection';
import { browserEnv } from '@/lib/client/connection-env';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { createLive, type Live } from './live';

/**
 * A `Live` for this browser tab: its own `ConnectionManager` on the real window, fetch and
 * timers. Creating it touches nothing (no request, no timer) until `retain()`, so it is also
 * safe to create during server rendering, where it is never retained.
 *
 * The choice of source is made here and nowhere else: sharing one stream between tabs means
 * returning a `Live` over a different `StreamSource`.
 */

export interface BrowserLiveOptions {
  feeds: readonly string[];
  snapshot?: WireSnapshot | undefined;
  /** Default `/api/stream` (all feeds: one multiplexed stream per tab). */
  url?: string;
}

export function createBrowserLive({ feeds, snapshot, url = '/api/stream' }: BrowserLiveOptions): Live {
  const env = browserEnv();
  return createLive({
    source: new ConnectionManager({ url, env }),
    feeds,
    env,
    ...(snapshot ? { snapshot } : {}),
  });
}
