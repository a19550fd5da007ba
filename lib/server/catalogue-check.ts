import 'server-only';

/**
 * Whether the feed catalogue the page was rendered with differs from the one the running
 * producer streams. It can only differ under `npm run dev`: editing lib/metrics/feeds.ts
 * hot-reloads the page, while the producer (a per-process singleton on `globalThis`) keeps the
 * catalogue it started with. The page then says so and asks for a restart, instead of showing a
 * new feed's card with "—" forever under a `live` badge.
 */
export interface CatalogueDrift {
  /** In the page's catalogue, not streamed. */
  added: string[];
  /** Streamed, no longer in the page's catalogue (their cards are gone; their data is ignored). */
  removed: string[];
}

export function catalogueDrift(running: readonly string[], current: readonly string[]): CatalogueDrift | null {
  const added = current.filter((name) => !running.includes(name));
  const removed = running.filter((name) => !current.includes(name));
  return added.length === 0 && removed.length === 0 ? null : { added, removed };
}
