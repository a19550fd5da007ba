/**
 * How the charts write numbers and times. Pure, so the choices are tested, not eyeballed.
 *
 * Times are local (the reader's clock) and carry no date: one date line per dashboard says
 * which day it is (controls.tsx), so a label never repeats it and never grows long enough
 * to collide with its neighbour across a minute boundary.
 */

const withSeconds = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const withoutSeconds = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/** A local time of day: seconds only when the ticks are less than a minute apart. */
export function formatTime(ts: number, stepMs = 0): string {
  return (stepMs > 0 && stepMs % 60_000 === 0 ? withoutSeconds : withSeconds).format(ts);
}

/** The date line shown once per dashboard, e.g. `Wednesday, November 25, 2026`. */
export function formatDate(ts: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'full' }).format(ts);
}

/**
 * A tick label with the unit, as precise as the tick step needs (ticks 0.5 apart show one
 * decimal, 200 apart none) and thousands grouped, so neighbouring ticks never read the same.
 */
export function formatTick(value: number, unit: string, stepSize = 1): string {
  let decimals = 0;
  // The decimals the step itself has (2.5 → 1, 0.05 → 2), at most 3.
  while (decimals < 3 && Math.abs(stepSize * 10 ** decimals - Math.round(stepSize * 10 ** decimals)) > 1e-9) {
    decimals += 1;
  }
  const text = value.toLocaleString(undefined, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

/**
 * The y range: the data's own range with some headroom, so a small movement is visible, but
 * never beyond the catalogue's bounds (a CPU chart never suggests 110 %). A flat line gets a
 * band around it; no data at all shows the whole catalogue range.
 */
export function yRange(dataMin: number | null, dataMax: number | null, min: number, max: number): [number, number] {
  if (dataMin === null || dataMax === null || !Number.isFinite(dataMin) || !Number.isFinite(dataMax)) {
    return [min, max];
  }
  const spread = dataMax - dataMin;
  // 10 % headroom each side; a flat line gets ±2 % of the catalogue span.
  const pad = spread > 0 ? spread * 0.1 : (max - min) * 0.02 || 1;
  const low = Math.max(min, dataMin - pad);
  const high = Math.min(max, dataMax + pad);
  return high > low ? [low, high] : [min, max];
}
