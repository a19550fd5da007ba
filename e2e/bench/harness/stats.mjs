// Small statistics and number formatting shared by every benchmark.

/** Median of a list of numbers (mean of the two middle ones for an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Nearest-rank percentile (p in 0..100) of an already sorted list; null when empty. */
export const percentileSorted = (sorted, p) =>
  sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null;

/** Nearest-rank percentile (p in 0..100). */
export const percentile = (values, p) =>
  percentileSorted(
    [...values].sort((a, b) => a - b),
    p,
  );

/** A number for a report: thousands separators, fixed decimals, '–' for nothing. */
export const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) || !Number.isFinite(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
