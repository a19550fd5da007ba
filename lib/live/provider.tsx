import { useEffect, useState, type ReactNode } from 'react';
import type { WireSnapshot } from '@/lib/sse/payloads';
import { createBrowserLive } from './browser-live';
import type { Live } from './live';
import { LiveContext } from './react';

/**
 * Creates one `Live` per mount from the feeds and snapshot it is given, provides it, and keeps
 * its stream open while mounted.
 *
 * - Once per mount: later prop changes are ignored (remount with a `key` to start over). A new
 *   mount (e.g. navigating back to the page) gets the snapshot rendered for it, not a stale one.
 * - Server rendering creates one per request and never starts it (effects do not run there).
 * - StrictMode (dev) may create a second, discarded instance (creating starts nothing) and
 *   runs the effect twice; the retainer's deferred stop keeps it to one `/api/stream` request.
 *
 * No 'use client' here: it is imported by a client component (app/_components/dashboard.tsx).
 */

export interface LiveProviderProps {
  feeds: readonly string[];
  snapshot?: WireSnapshot | undefined;
  /** Builds the instance. Default `createBrowserLive` (this tab's own stream). */
  create?: (options: { feeds: readonly string[]; snapshot?: WireSnapshot | undefined }) => Live;
  children: ReactNode;
}

export function LiveProvider({ feeds, snapshot, create = createBrowserLive, children }: LiveProviderProps) {
  const [live] = useState(() => create({ feeds, snapshot }));
  useEffect(() => live.retain(), [live]);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}
