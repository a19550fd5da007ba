/**
 * How much history a reset lost: the time between our last point and the snapshot's first.
 * Within one epoch, one normal interval between them is no loss; across a restart (a new
 * epoch) the whole span is, since the old server's unsent events are gone.
 */
export function lostBetween(lastTs: number | null, ts: readonly number[], restarted: boolean, now: number): number {
  if (lastTs === null) return 0;
  const first = ts[0];
  // An empty window (a server that just started): everything since our last point is gone.
  if (first === undefined) return Math.max(0, now - lastTs);
  if (first <= lastTs) return 0;
  const interval = !restarted && ts.length > 1 ? (ts[ts.length - 1]! - first) / (ts.length - 1) : 0;
  return Math.max(0, first - lastTs - interval);
}
