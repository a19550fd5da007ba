'use client';

import { useState, type ReactNode } from 'react';
import { APP_CONFIG } from '@/lib/metrics/app-config';
import type { Snapshot } from '@/lib/metrics/events';
import { FEED_NAMES, type FeedDefinition } from '@/lib/metrics/feeds';
import { LiveProvider } from '@/lib/live/provider';
import { useLive, useMetrics } from '@/lib/live/react';
import { SignInPrompt } from './auth/sign-in-prompt';
import { ChartControls } from './chart/controls';
import { feedColor } from './chart/palette';
import { ChartViewContext, createChartView } from './chart/view';
import { ConnectionBadge } from './connection/connection-badge';
import { RecoveryToast } from './connection/recovery-toast';
import { StreamInspector } from './connection/stream-inspector';
import { FeedCard } from './feed-card';

/**
 * A feed's place in the whole catalogue, so its colour is the same whoever is signed in (a scoped
 * user sees fewer cards, not recoloured ones). A feed the catalogue does not know yet (dev mode,
 * catalogue-check.ts) comes after all of them.
 */
function catalogueIndex(name: string): number {
  const index = (FEED_NAMES as readonly string[]).indexOf(name);
  return index === -1 ? FEED_NAMES.length : index;
}

/** One time range and pause for all charts, bounded by what the store's window holds. */
function ChartViewProvider({ feed, children }: { feed: string | undefined; children: ReactNode }) {
  const live = useLive();
  const [view] = useState(() => createChartView(feed === undefined ? 300_000 : live.metrics.series(feed).windowMs));
  return <ChartViewContext.Provider value={view}>{children}</ChartViewContext.Provider>;
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
      data-lost={counters.lost}
      // Wide screens get wide charts: the grid uses the width up to 1920 px (3 columns at 1280+).
      className="mx-auto max-w-[1920px] space-y-4 p-4 sm:p-6"
    >
      {children}
    </div>
  );
}

/**
 * The live dashboard. Rendered on the server with the snapshot already in the store (first
 * paint has history), then one stream per tab resumes from the snapshot's cursor.
 *
 * Landmarks cover the page: the `header` (title, connection; a flex row that wraps, so another
 * item such as a sign-in area can join it) and `main` (notices, cards, inspector, toast).
 */
export function Dashboard({
  feeds,
  snapshot,
  notice,
  account,
}: {
  /** The catalogue's entries this reader may see (app/page.tsx picks them). */
  feeds: FeedDefinition[];
  snapshot: Snapshot | undefined;
  /** Shown above the cards, inside `main` (e.g. the dev-only catalogue notice). Default none. */
  notice?: ReactNode;
  /** Who is signed in (rendered by the server, auth/account-bar.tsx). Default none. */
  account?: ReactNode;
}) {
  return (
    <LiveProvider feeds={feeds.map((f) => f.name)} snapshot={snapshot}>
      <CountersRoot>
        <header className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h1 className="text-xl font-semibold">{APP_CONFIG.heading}</h1>
            <p className="text-sm text-slate-600 dark:text-slate-400">{APP_CONFIG.tagline}</p>
          </div>
          <div className="flex flex-wrap items-center gap-4">
            {/* Who is signed in (and Sign out) follows the connection state. */}
            <ConnectionBadge />
            {account}
          </div>
        </header>
        <main className="space-y-6">
          <noscript>
            <p className="rounded-md border border-slate-300 px-4 py-2 text-sm text-slate-700 dark:border-slate-700 dark:text-slate-300">
              JavaScript is off: this is the data as the server last saw it, with no live updates. The time range, pause
              and sign-out need JavaScript.
            </p>
          </noscript>
          {notice}
          <SignInPrompt />
          <ChartViewProvider feed={feeds[0]?.name}>
            <ChartControls />
            <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3 min-[1800px]:grid-cols-4">
              {feeds.map((feed) => (
                <FeedCard key={feed.name} feed={feed} color={feedColor(catalogueIndex(feed.name))} />
              ))}
            </div>
          </ChartViewProvider>
          <StreamInspector />
          <RecoveryToast />
        </main>
      </CountersRoot>
    </LiveProvider>
  );
}
