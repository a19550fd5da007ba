import type { FeedTrack } from './merge';
import type { FeedSummary } from './metrics-state';

/** How far back the card's trend arrow looks. */
export const TREND_LOOKBACK_MS = 60_000;

/** The small, React-facing view of one feed's track. */
export function summarize(track: FeedTrack, revision: number): FeedSummary {
  const { ts, values } = track.series;
  let trendFrom: number | null = null;
  const last = ts[ts.length - 1];
  if (last !== undefined) {
    // Walk back to the point about a minute earlier (cheap: windows are a few thousand points).
    let i = ts.length - 1;
    while (i > 0 && last - ts[i - 1]! <= TREND_LOOKBACK_MS) i -= 1;
    trendFrom = values[i] ?? null;
  }
  return { lastSeq: track.lastSeq, lastValue: track.lastValue, trendFrom, points: track.series.length, revision };
}
