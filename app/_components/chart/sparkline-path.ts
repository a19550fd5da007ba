/**
 * The SVG path of a light sparkline: what a chart shows before uPlot has loaded (and in the
 * server-rendered HTML). Pure and deterministic, so the server and the hydrating client produce
 * the same string and React sees no mismatch.
 */

/** Drawing box of the path; the SVG scales it to the card (`preserveAspectRatio="none"`). */
export const SPARKLINE_WIDTH = 300;
export const SPARKLINE_HEIGHT = 120;
/** Points drawn at most: enough for the eye, light enough for the HTML (8 feeds × ~2 KB). */
export const SPARKLINE_MAX_POINTS = 150;

const round = (n: number) => Math.round(n * 10) / 10;

/** `M x y L x y …` over the box, x by time, y by value (min at the bottom); '' for no points. */
export function sparklinePath(ts: readonly number[], values: readonly number[]): string {
  const n = Math.min(ts.length, values.length);
  if (n === 0) return '';
  const step = Math.max(1, Math.ceil(n / SPARKLINE_MAX_POINTS));
  const picked: number[] = [];
  for (let i = 0; i < n; i += step) picked.push(i);
  if (picked.at(-1) !== n - 1) picked.push(n - 1); // always end on the newest point
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i += 1) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const t0 = ts[0]!;
  const span = ts[n - 1]! - t0 || 1;
  const range = max - min || 1;
  // A single point or a flat line sits in the middle rather than on an edge.
  const y = (v: number) =>
    max === min ? SPARKLINE_HEIGHT / 2 : SPARKLINE_HEIGHT - ((v - min) / range) * SPARKLINE_HEIGHT;
  const x = (t: number) => (n === 1 ? SPARKLINE_WIDTH : ((t - t0) / span) * SPARKLINE_WIDTH);
  return picked.map((i, k) => `${k === 0 ? 'M' : 'L'}${round(x(ts[i]!))} ${round(y(values[i]!))}`).join(' ');
}
