/**
 * Intervals without live data, shaded on the charts and measured by the recovery toast. Kept
 * beside the connection status (not in the metrics store): an outage is a fact about the
 * connection, but what it cost is measured in the data, per feed, in server time:
 *
 *   data:    ─●──●──●                                ●──●──●──●──●   (the replay fills the stretch)
 *   outage:          from (stream lost) ─────────▶ to (live again)
 *   filled:         [last point before ────────────── last point the recovery brought]
 *
 * A link that goes silent is noticed seconds after the data stopped, and comes back before its
 * replay is applied: neither moment says how much data was missing. The data does: from a feed's
 * last point before the outage to the last point the recovery brought, which at a steady rate is
 * exactly the events replayed for that feed times its interval.
 */

/** A stretch of one feed's data, server time. */
export interface DataSpan {
  from: number;
  to: number;
}

export interface Outage {
  /** When the stream was lost (server time). */
  from: number;
  /** When live data flowed again; null while it lasts. */
  to: number | null;
  /** Per feed, its last point when the stream was lost: where its data stopped. */
  lastBefore: Readonly<Record<string, number>>;
  /**
   * Per feed, what the recovery filled in: from `lastBefore` to the newest point it brought.
   * Empty until the recovery is complete, and for a feed it brought nothing.
   */
  filled: Readonly<Record<string, DataSpan>>;
}

/** A span of one feed's chart: `to` null while the outage lasts. */
export interface FeedSpan {
  from: number;
  to: number | null;
}

/** Older outages are dropped: the charts show 5 minutes. */
export const MAX_OUTAGES = 50;

/** Opens an outage unless one is open already. Returns the same array when nothing changed. */
export function openOutage(
  outages: readonly Outage[],
  at: number,
  lastBefore: Readonly<Record<string, number>>,
): readonly Outage[] {
  if (outages.at(-1)?.to === null) return outages;
  return [...outages.slice(-(MAX_OUTAGES - 1)), { from: at, to: null, lastBefore, filled: {} }];
}

/** Closes the open outage, if any. Returns the same array when nothing changed. */
export function closeOutage(outages: readonly Outage[], at: number): readonly Outage[] {
  const last = outages.at(-1);
  if (!last || last.to !== null) return outages;
  return [...outages.slice(0, -1), { ...last, to: at }];
}

/**
 * The recovery is complete: measures, per feed, the data it filled in, from the newest point
 * each feed holds now (`lastNow`). Records it on the last outage, and returns it (empty when there
 * is no closed outage to measure against).
 */
export function fillOutage(
  outages: readonly Outage[],
  lastNow: (feed: string) => number | undefined,
): { outages: readonly Outage[]; filled: Readonly<Record<string, DataSpan>> } {
  const last = outages.at(-1);
  if (!last || last.to === null) return { outages, filled: {} };
  const filled: Record<string, DataSpan> = {};
  for (const [feed, from] of Object.entries(last.lastBefore)) {
    const to = lastNow(feed);
    if (to !== undefined && to > from) filled[feed] = { from, to };
  }
  return { outages: [...outages.slice(0, -1), { ...last, filled }], filled };
}

/** The longest stretch filled in over all feeds (0 when nothing was): what the toast reports. */
export function longestFilledMs(filled: Readonly<Record<string, DataSpan>>): number {
  return Math.max(0, ...Object.values(filled).map((span) => span.to - span.from));
}

/**
 * The outages as one feed's chart draws them: the data each recovery filled in for it, and the
 * outage in progress from where its data stopped.
 */
export function feedSpans(outages: readonly Outage[], feed: string): FeedSpan[] {
  const spans: FeedSpan[] = [];
  for (const outage of outages) {
    if (outage.to === null) spans.push({ from: outage.lastBefore[feed] ?? outage.from, to: null });
    else {
      const filled = outage.filled[feed];
      if (filled) spans.push(filled);
    }
  }
  return spans;
}
