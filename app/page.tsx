import 'server-only';
import { FEEDS, FEED_NAMES } from '@/lib/metrics/feeds';
import { headers } from 'next/headers';
import { catalogueDrift } from '@/lib/server/catalogue-check';
import { snapshotForPage } from '@/lib/server/page-snapshot';
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
  const runtime = getRuntime();
  const drift = catalogueDrift(runtime.feedNames, FEED_NAMES);
  // Scoped to the visitor and rate-limited like /api/snapshot (page-snapshot.ts); may be undefined.
  const snapshot = await snapshotForPage(runtime, await headers());
  const feeds = FEEDS.map(({ name, label, unit, decimals }) => ({ name, label, unit, decimals }));
  if (!drift) return <Dashboard feeds={feeds} snapshot={snapshot} />;
  return (
    <>
      {/* Dev-only situation (see catalogue-check.ts): say it plainly rather than show an empty card. */}
      <p
        role="alert"
        data-testid="catalogue-notice"
        className="mx-auto mt-4 max-w-5xl rounded-md border border-amber-400 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
      >
        The feed catalogue changed since this server started
        {drift.added.length > 0 ? ` (new: ${drift.added.join(', ')})` : ''}
        {drift.removed.length > 0 ? ` (removed: ${drift.removed.join(', ')})` : ''}. Restart the server (
        <code>npm run dev</code>) to stream it.
      </p>
      <Dashboard feeds={feeds} snapshot={snapshot} />
    </>
  );
}
