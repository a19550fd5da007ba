import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';

/**
 * Who is asking, as the routes see it. Built by `authenticate()` from the request on every call:
 * a stream, a resume and a snapshot are each authorised with the principal *now*, because a
 * cursor grants nothing (Mercure's rule: replayed history is re-authorised like live data).
 */
export interface Principal {
  /** `user` after sign-in; `public` when AUTH_MODE=off (a public demo, said on the page). */
  kind: 'user' | 'public';
  /** Stable id: the user id, or `public`. */
  id: string;
  /**
   * Whether many people sign in as this one user (the demo's one-click accounts). Per-client
   * limits then count per session only; for a real user they also count per user.
   */
  shared: boolean;
  /** Display name for the header. */
  name: string;
  /** Feeds this principal may read: `all`, or an explicit list. */
  feeds: 'all' | readonly FeedName[];
  /** Session id (for revocation), null for `public`. */
  sessionId: string | null;
  /** When the session ends (ms since 1970), null for `public`. Streams end then. */
  expiresAt: number | null;
}

export const PUBLIC_PRINCIPAL: Principal = {
  kind: 'public',
  id: 'public',
  name: 'Public demo',
  shared: true,
  feeds: 'all',
  sessionId: null,
  expiresAt: null,
};

export function canRead(principal: Principal, feed: FeedName): boolean {
  return principal.feeds === 'all' || principal.feeds.includes(feed);
}

/** Splits requested feeds into what the principal may read now and what it may not. */
export function partitionFeeds(
  principal: Principal,
  requested: readonly FeedName[],
): { readable: FeedName[]; forbidden: FeedName[] } {
  const readable: FeedName[] = [];
  const forbidden: FeedName[] = [];
  for (const feed of requested) (canRead(principal, feed) ? readable : forbidden).push(feed);
  return { readable, forbidden };
}
