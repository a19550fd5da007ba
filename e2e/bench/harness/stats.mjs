// @ts-check
// Small statistics and number formatting shared by every benchmark.

/**
 * Median of a list of numbers (mean of the two middle ones for an even count); NaN when empty.
 * @param {readonly number[]} values
 * @returns {number}
 */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/**
 * Nearest-rank percentile (p in 0..100) of an already sorted list; null when empty.
 * @param {readonly number[]} sorted
 * @param {number} p
 * @returns {number | null}
 */
export const percentileSorted = (sorted, p) =>
  sorted.length ? (sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null) : null;

/**
 * Nearest-rank percentile (p in 0..100).
 * @param {readonly number[]} values
 * @param {number} p
 */
export const percentile = (values, p) =>
  percentileSorted(
    [...values].sort((a, b) => a - b),
    p,
  );

/**
 * A number for a report: thousands separators, fixed decimals, '–' for nothing.
 * @param {number | null | undefined} n
 */
export const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) || !Number.isFinite(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
