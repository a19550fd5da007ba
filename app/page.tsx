import { FEEDS, FEED_NAMES } from '@/lib/metrics/feeds';
import { getRuntime } from '@/lib/server/runtime';
import { Dashboard } from './_components/dashboard';

// Rendered per request: the snapshot must be current, it is what the stream resumes from.
export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const { bus } = getRuntime();
  // Without a reachable bus (Redis down) the page still renders; the stream fills it in later.
  const snapshot = bus.healthy() ? await bus.snapshot(new Set(FEED_NAMES)).catch(() => undefined) : undefined;
  const feeds = FEEDS.map(({ name, label, unit, decimals }) => ({ name, label, unit, decimals }));
  return <Dashboard feeds={feeds} snapshot={snapshot} />;
}
