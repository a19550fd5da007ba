import 'server-only';
import { FEEDS, FEED_NAMES } from '@/lib/metrics/feeds';
import { getRuntime } from '@/lib/server/runtime';
import { Dashboard } from './_components/dashboard';

/**
 * The server binding of the dashboard (a Server Component): it may read the server runtime, and
 * it is the only part of the page that does. It takes a snapshot from the bus and hands it, with
 * the catalogue's display fields, to the client leaves in `_components/`, which know nothing of
 * the server. The browser's stream then resumes from the snapshot's cursor.
 */

// Rendered per request: the snapshot must be current, it is what the stream resumes from.
export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const { bus } = getRuntime();
  // Without a reachable bus (Redis down) the page still renders; the stream fills it in later.
  const snapshot = bus.healthy() ? await bus.snapshot(new Set(FEED_NAMES)).catch(() => undefined) : undefined;
  const feeds = FEEDS.map(({ name, label, unit, decimals }) => ({ name, label, unit, decimals }));
  return <Dashboard feeds={feeds} snapshot={snapshot} />;
}
