'use client';

import type { ReactNode } from 'react';
import type { Snapshot } from '@/lib/metrics/events';
import { LiveProvider } from '@/lib/live/provider';
import { useMetrics } from '@/lib/live/react';
import { ConnectionBadge } from './connection-badge';
import { FeedCard } from './feed-card';
import { feedColor } from './palette';
import { RecoveryToast } from './recovery-toast';
import { SignInPrompt } from './sign-in-prompt';
import { StreamInspector } from './stream-inspector';

export interface DashboardFeed {
  name: string;
  label: string;
  unit: string;
  decimals: number;
}

/** The DOM contract's counters (docs/dom-contract.md) on the dashboard root. */
function CountersRoot({ children }: { children: ReactNode }) {
  const counters = useMetrics((s) => s.counters);
  return (
    <div
      data-testid="dashboard"
      data-events-applied={counters.eventsApplied}
      data-duplicates-dropped={counters.duplicatesDropped}
      data-gaps={counters.gaps}
      data-resets={counters.resets}
      className="mx-auto max-w-7xl space-y-6 p-4 sm:p-6"
    >
      {children}
    </div>
  );
}

/**
 * The live dashboard. Rendered on the server with the snapshot already in the store (first
 * paint has history), then one stream per tab resumes from the snapshot's cursor.
 */
export function Dashboard({
  feeds,
  snapshot,
  account,
}: {
  feeds: DashboardFeed[];
  snapshot: Snapshot | undefined;
  /** Who is signed in (rendered by the server, app/_components/account-bar.tsx). Default none. */
  account?: ReactNode;
}) {
  return (
    <LiveProvider feeds={feeds.map((f) => f.name)} snapshot={snapshot}>
      <CountersRoot>
        <header className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h1 className="text-xl font-semibold">Service metrics</h1>
            <p className="text-sm text-slate-500 dark:text-slate-400">
              Simulated feeds over Server-Sent Events, last 5 minutes
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-4">
            {/* The badge stays the first keyboard stop (docs/dom-contract.md); who is signed in follows. */}
            <ConnectionBadge />
            {account}
          </div>
        </header>
        <SignInPrompt />
        <main className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          {feeds.map((feed, i) => (
            <FeedCard key={feed.name} {...feed} color={feedColor(i)} />
          ))}
        </main>
        <StreamInspector />
      </CountersRoot>
      <RecoveryToast />
    </LiveProvider>
  );
}
