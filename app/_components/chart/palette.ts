/**
 * Feed colours for any number of feeds: a hand-picked set first (readable on light and dark
 * backgrounds), then hues spaced by the golden angle, so every new feed differs visibly from
 * its neighbours however many there are. Hex, because the charts append an alpha byte for
 * their fill (`#rrggbb1a`).
 */

const CURATED = ['#0ea5e9', '#8b5cf6', '#10b981', '#f59e0b', '#ef4444', '#6366f1', '#14b8a6', '#ec4899'];
const GOLDEN_ANGLE = 137.508;

function hslToHex(hue: number, saturation: number, lightness: number): string {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** The colour of the feed at `index` in the catalogue (0-based). */
export function feedColor(index: number): string {
  return CURATED[index] ?? hslToHex((index * GOLDEN_ANGLE) % 360, 0.65, 0.5);
}

/** Axis and grid colours of the charts, light or dark (the canvas cannot use Tailwind classes). */
export interface ChartTheme {
  /** Axis labels and ticks: ≥ 4.5:1 against the card. */
  axis: string;
  grid: string;
}

/** Light-mode values of app/globals.css, for the server and tests (no `document` there). */
const LIGHT_THEME: ChartTheme = { axis: '#475569', grid: 'rgba(71, 85, 105, 0.15)' };

/**
 * The chart colours currently in force, from the CSS variables `--chart-axis` and `--chart-grid`
 * (app/globals.css sets them for light and dark). Read it when drawing, and again when
 * `matchMedia('(prefers-color-scheme: dark)')` changes.
 */
export function chartTheme(): ChartTheme {
  if (typeof document === 'undefined') return LIGHT_THEME;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { axis: read('--chart-axis', LIGHT_THEME.axis), grid: read('--chart-grid', LIGHT_THEME.grid) };
}
