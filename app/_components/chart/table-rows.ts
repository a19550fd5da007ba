/**
 * Which points the chart's data table lists: the newest, then one every `everyMs` back in time.
 * A feed at 10 Hz would otherwise fill a table with a second of near-equal readings; a row every
 * few seconds reads like what the chart shows. Pure, so it is tested without a DOM.
 */

export interface TableRow {
  ts: number;
  value: number;
}

export interface TableRowOptions {
  /** Rows at most. Default 12. */
  rows?: number;
  /** Least time between two rows, ms. Default 5000 (12 rows span the last minute). */
  everyMs?: number;
}

/** Newest first. `ts` ascending, as the store keeps it; `values[i]` belongs to `ts[i]`. */
export function tableRows(
  ts: readonly number[],
  values: readonly number[],
  { rows = 12, everyMs = 5000 }: TableRowOptions = {},
): TableRow[] {
  const out: TableRow[] = [];
  let next = Infinity;
  for (let i = ts.length - 1; i >= 0 && out.length < rows; i -= 1) {
    const t = ts[i]!;
    if (t > next) continue;
    out.push({ ts: t, value: values[i]! });
    next = t - everyMs;
  }
  return out;
}
