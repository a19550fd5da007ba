import type { FeedName } from '@/lib/metrics/feeds';
import type { Snapshot } from '@/lib/metrics/events';
import { browserEnv } from './connection-env';
import { createLiveMetrics, type LiveMetrics } from './live-metrics';

/**
 * One LiveMetrics per browser tab: one multiplexed stream, however many components use it.
 * On the server (SSR) every render gets its own, never started: a module-level store there
 * would be shared between requests.
 */

let tabInstance: LiveMetrics | null = null;

export function getLiveMetrics(feeds: readonly FeedName[], snapshot: Snapshot | undefined): LiveMetrics {
  const create = () => createLiveMetrics({ feeds, env: browserEnv(), ...(snapshot ? { snapshot } : {}) });
  if (typeof window === 'undefined') return create();
  tabInstance ??= create();
  return tabInstance;
}
