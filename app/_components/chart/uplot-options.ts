import type uPlot from 'uplot';
import type { FeedDefinition } from '@/lib/metrics/feeds';
import { formatTick, formatTime, yRange } from './format';
import { shadingPlugin } from './shading';
import { gapThresholdMs, holeIndexes, type ChartSpans } from './spans';
import { tooltipPlugin } from './tooltip';

/**
 * The uPlot options of one feed's chart: everything a reader sees is uPlot's own feature, set
 * here. Pure (what changes while the chart lives is read through the callbacks), so it is tested
 * without React, a DOM or uPlot itself (uplot-options.test.ts):
 * - the x axis always ends at *now* (server time), not at the last point, so an outage grows on
 *   screen (`xRange`: the dashboard's range choice, or the pause's moment);
 * - the line breaks across a hole in the data (`series.gaps`), and lost / recovered / waiting
 *   spans are marked under it (shading.ts, a plugin on `drawClear`);
 * - the y range follows the data within the catalogue's bounds (`scales.y.range`), with ticks
 *   far enough apart to read and carrying the unit (`axes.space` / `axes.values`);
 * - a tooltip with the value and local time (tooltip.ts) follows the cursor, which is synced
 *   across every chart (`cursor.sync`).
 */

/** Canvas height, axes included: the plot itself gets about 140 px. */
export const CHART_HEIGHT = 176;
/** Pixels between y ticks: 4 or 5 labelled ticks on the plot. */
const Y_TICK_SPACE = 30;
/** Height of the time axis (one line of labels). */
const X_AXIS_SIZE = 26;
/**
 * Time-tick steps (ms). uPlot's defaults jump from 1 to 5 minutes, which leaves one label on a
 * 5-minute chart of 300 px; these add 2 minutes and keep the steps round.
 */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
/** Pixels between x ticks: a local time with seconds (`12:03:41 PM`) fits with room to spare. */
const X_TICK_SPACE = 90;
/** Every chart moves its cursor with the others'. */
export const SYNC_KEY = 'dashboard-time';

export interface ChartOptionsInput {
  feed: FeedDefinition;
  color: string;
  width: number;
  /** The x axis, server time: now-anchored, or ending at the pause's moment. */
  xRange(): [number, number];
  /** Axis text, grid and tick colours: they follow the theme, so they are read at each draw. */
  axisColor(): string;
  gridColor(): string;
  /** The spans to mark under the line, computed at each draw. */
  spans(): ChartSpans;
  /**
   * `uPlot.addGap`, given by the caller: this module imports uPlot's types only, so the library
   * stays in its own chunk, loaded after hydration (load-uplot.ts).
   */
  addGap: typeof uPlot.addGap;
}

export function chartOptions(input: ChartOptionsInput): uPlot.Options {
  const { feed, color, addGap } = input;
  const axis = {
    stroke: () => input.axisColor(),
    grid: { stroke: () => input.gridColor() },
    ticks: { stroke: () => input.gridColor() },
    font: '11px system-ui, sans-serif',
  };
  return {
    width: input.width,
    height: CHART_HEIGHT,
    ms: 1, // x values are ms timestamps, as on the wire
    legend: { show: false },
    cursor: { y: false, sync: { key: SYNC_KEY }, drag: { x: false, y: false } },
    scales: {
      // Always now-anchored (or the pause's moment): data never moves the x axis.
      x: { time: true, range: () => input.xRange() },
      y: { range: (_u, dataMin, dataMax) => yRange(dataMin, dataMax, feed.min, feed.max) },
    },
    axes: [
      {
        ...axis,
        space: X_TICK_SPACE,
        size: X_AXIS_SIZE,
        incrs: TIME_STEPS,
        values: (_u, splits, _axis, _space, step) => splits.map((ts) => formatTime(ts, step)),
      },
      {
        ...axis,
        // As wide as the longest label (about 7 px a character at 11 px, plus ticks and gap).
        size: (_u, values) => 20 + 7 * Math.max(4, ...(values ?? []).map((v) => v.length)),
        space: Y_TICK_SPACE,
        values: (_u, splits, _axis, _space, step) => splits.map((v) => formatTick(v, feed.unit, step)),
      },
    ],
    series: [
      {},
      {
        label: feed.label,
        stroke: color,
        width: 1.5,
        fill: `${color}1a`,
        // A hole in the data breaks the line (uPlot clips these pixel ranges out of the path).
        gaps: (u, _s, idx0, idx1, nullGaps) => {
          const ts = u.data[0];
          for (const i of holeIndexes(ts, gapThresholdMs(ts), idx0, idx1)) {
            addGap(nullGaps, Math.round(u.valToPos(ts[i]!, 'x', true)), Math.round(u.valToPos(ts[i + 1]!, 'x', true)));
          }
          return nullGaps;
        },
      },
    ],
    plugins: [shadingPlugin(() => input.spans()), tooltipPlugin({ unit: feed.unit, decimals: feed.decimals })],
  };
}
