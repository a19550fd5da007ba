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
