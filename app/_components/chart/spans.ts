/**
 * Which parts of a chart's time range have no data, and why. Pure (no uPlot, no React), so the
 * rules are unit-tested and the chart only draws what this returns.
 *
 * Three kinds of span, drawn differently (the legend is in controls.tsx):
 * - `lost`: a hole in the data itself: two neighbouring points further apart than the feed's
 *   rhythm allows. The line is broken there. This covers history a restart could not recover
 *   and a hole the client accepted as lost: both leave the same trace, a missing stretch.
 * - `recovered`: the data a past outage held back and the recovery filled in, from the feed's
 *   last point before the outage to the last point the recovery brought (lib/live/outages.ts).
 *   The line is whole (the points are real), but the span is marked, so "the link was down
 *   here" stays visible, and it is as wide as the toast says.
 * - `waiting`: the outage in progress, from the last point to now. Not lost yet: a resume may
 *   still fill it.
 */

export interface Span {
  from: number;
  /** Null while it lasts (an outage in progress). */
  to: number | null;
}

export interface ClosedSpan {
  from: number;
  to: number;
}

export interface ChartSpans {
  lost: ClosedSpan[];
  recovered: ClosedSpan[];
  waiting: ClosedSpan | null;
}

/** Never call a silence shorter than this a hole: one late point is not an outage. */
export const MIN_GAP_MS = 1500;
/** A hole is this many typical intervals without a point. */
const GAP_INTERVALS = 3;

/**
 * The silence between two points that counts as a hole: 3 × the window's mean interval, at
 * least 1.5 s. The mean (not a fixed value) keeps a 3 ms feed and a 1 s feed both honest; the
 * floor keeps jitter at high rates from breaking the line everywhere.
 */
export function gapThresholdMs(ts: ArrayLike<number>): number {
  const n = ts.length;
  if (n < 2) return MIN_GAP_MS;
  // The mean over the window is skewed upwards by holes in it, which only makes this stricter
  // about calling something a hole; good enough, and O(1).
  const mean = (ts[n - 1]! - ts[0]!) / (n - 1);
  return Math.max(MIN_GAP_MS, GAP_INTERVALS * mean);
}

/**
 * Whether a feed's value is overdue at `now` (server time): its silence since the last point is
 * already past the hole threshold, so its chart will call it a hole unless the next point comes.
 * The card dims the value then, whatever the connection says: one rule for "missing" everywhere.
 */
export function isOverdue(ts: ArrayLike<number>, now: number): boolean {
  const n = ts.length;
  return n > 0 && now - ts[n - 1]! > gapThresholdMs(ts);
}

/** Index pairs `[i, i + 1]` of neighbours further apart than `thresholdMs`, from `i0` to `i1`. */
export function holeIndexes(ts: ArrayLike<number>, thresholdMs: number, i0 = 0, i1 = ts.length - 1): number[] {
  const holes: number[] = [];
  for (let i = Math.max(0, i0); i < Math.min(i1, ts.length - 1); i += 1) {
    if (ts[i + 1]! - ts[i]! > thresholdMs) holes.push(i);
  }
  return holes;
}

/** `span` minus every interval of `cut` (sorted, disjoint), as what remains. */
function subtract(span: ClosedSpan, cut: readonly ClosedSpan[]): ClosedSpan[] {
  const left: ClosedSpan[] = [];
  let from = span.from;
  for (const c of cut) {
    if (c.to <= from || c.from >= span.to) continue;
    if (c.from > from) left.push({ from, to: c.from });
    from = Math.max(from, c.to);
  }
  if (from < span.to) left.push({ from, to: span.to });
  return left;
}

/**
 * Classifies what a chart shows between `xMin` and `xMax` (server time, ms). `outages` are this
 * feed's (`feedSpans` in lib/live/outages.ts), oldest first: closed ones are the data a recovery
 * filled in, an open one starts where the feed's data stopped; `now` ends an open one.
 */
export function chartSpans(
  ts: readonly number[],
  outages: readonly Span[],
  now: number,
  xMin: number,
  xMax: number,
): ChartSpans {
  const threshold = gapThresholdMs(ts);
  const lost: ClosedSpan[] = [];
  for (const i of holeIndexes(ts, threshold)) {
    const from = ts[i]!;
    const to = ts[i + 1]!;
    if (to > xMin && from < xMax) lost.push({ from, to });
  }
  const last = ts[ts.length - 1];
  const open = outages.at(-1)?.to === null ? outages.at(-1)! : null;
  let waiting: ClosedSpan | null = null;
  if (open) {
    // The data may have stopped before the connection noticed (a stall): wait from the last point.
    const from = last === undefined ? open.from : Math.min(open.from, last);
    if (now > from) waiting = { from, to: now };
  }
  const recovered: ClosedSpan[] = [];
  for (const outage of outages) {
    if (outage.to === null || outage.to <= xMin || outage.from >= xMax) continue;
    // A hole in the filled stretch is lost, not recovered (a reset whose snapshot did not reach back).
    recovered.push(...subtract({ from: outage.from, to: outage.to }, lost));
  }
  return { lost, recovered, waiting };
}
