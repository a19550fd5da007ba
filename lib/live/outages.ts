/**
 * Intervals without live data, in server time, shaded on the charts. Kept beside the connection
 * status (not in the metrics store): an outage is a fact about the connection, not the data.
 */

export interface Outage {
  from: number;
  /** Null while it lasts. */
  to: number | null;
}

/** Older outages are dropped: the charts show 5 minutes. */
export const MAX_OUTAGES = 50;

/** Opens an outage unless one is open already. Returns the same array when nothing changed. */
export function openOutage(outages: readonly Outage[], at: number): readonly Outage[] {
  if (outages.at(-1)?.to === null) return outages;
  return [...outages.slice(-(MAX_OUTAGES - 1)), { from: at, to: null }];
}

/** Closes the open outage, if any. Returns the same array when nothing changed. */
export function closeOutage(outages: readonly Outage[], at: number): readonly Outage[] {
  const last = outages.at(-1);
  if (!last || last.to !== null) return outages;
  return [...outages.slice(0, -1), { from: last.from, to: at }];
}
