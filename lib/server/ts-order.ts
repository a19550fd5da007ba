import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import type { LatePoint, TsOrder } from './bus';

/**
 * Keeps each feed's times non-decreasing (`TsOrder` in bus.ts says why): given a batch and each
 * feed's newest time in the log, the time every point is stored with, and the points refused.
 * The memory bus calls it; the Redis append script (redis/scripts.ts) does the same in Lua,
 * atomically with the append.
 */
export function orderTimes(
  points: readonly { feed: FeedName; ts: number; order: TsOrder }[],
  newestOf: (feed: FeedName) => number | undefined,
): { ts: number[]; late: LatePoint[] } {
  const newest = new Map<FeedName, number>();
  const ts: number[] = [];
  const late: LatePoint[] = [];
  points.forEach((point, index) => {
    const before = newest.get(point.feed) ?? newestOf(point.feed) ?? -Infinity;
    if (point.ts < before && point.order === 'exact') late.push({ index, newestTs: before });
    const stored = Math.max(point.ts, before);
    newest.set(point.feed, stored);
    ts.push(stored);
  });
  return { ts, late };
}
