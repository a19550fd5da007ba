'use client';

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Live } from '@/lib/live/live';
import { useLive } from '@/lib/live/react';
import { formatTick, formatTime, yRange } from './format';
import { loadChartLibrary } from './load-uplot';
import { chartTheme } from './palette';
import { shadingPlugin } from './shading';
import { chartSpans, gapThresholdMs, holeIndexes, type ChartSpans } from './spans';
import { Sparkline } from './sparkline';
import { tooltipPlugin } from './tooltip';
import { rangeLabel, useChartViewApi, type ChartView } from './view';

/**
 * A uPlot time series fed imperatively: it subscribes to the stores and redraws its canvas, so
 * a tick costs one canvas redraw and no React render. Everything a reader needs is uPlot's own:
 * - the x axis always ends at *now* (server time), not at the last point, so an outage grows on
 *   screen; its width is the dashboard's range choice, and a pause freezes it (view.ts);
 * - the line breaks across a hole in the data (`series.gaps`), and lost / recovered / waiting
 *   spans are marked under it (shading.ts, a plugin on `drawClear`);
 * - the y range follows the data within the catalogue's bounds (`scales.y.range`), with ticks
 *   far enough apart to read and carrying the unit (`axes.space` / `axes.values`);
 * - a tooltip with the value and local time (tooltip.ts) follows the cursor, which is
 *   synced across every chart (`cursor.sync`) and can be moved with the arrow keys.
 *
 * Cheap at any rate: redraws are coalesced to one per animation frame and at most one per
 * plotted pixel of time (a 5 min range on 400 px moves 1 px per 750 ms; drawing more often
 * shows nothing new), and a 1 s clock keeps the axis moving when no data arrives.
 *
 * uPlot is loaded after hydration (a separate 23 KB gzip chunk, shared by every chart): it keeps
 * first-load JS small. A load that fails during a network drop is retried (load-uplot.ts).
 * Until it has loaded, a server-rendered SVG sparkline of the same window stands in, so the
 * first paint already has a chart.
 *
 * `data-points` (the DOM contract: points currently drawn) is rendered once by React from the
 * initial window, identical on the server and at hydration, and then kept current imperatively
 * by whichever of the two draws: React never re-renders it. The same holds for `data-range`,
 * `data-paused`, `data-x-end` and the span counts (docs/dom-contract.md).
 */

/** Canvas height, axes included: the plot itself gets about 140 px. */
const HEIGHT = 176;
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
const SYNC_KEY = 'dashboard-time';
/** Fewest ms between redraws (one frame) and most (the 1 s clock). */
const MIN_REDRAW_MS = 16;
const CLOCK_MS = 1000;

export interface ChartProps {
  feed: string;
  label: string;
  unit: string;
  color: string;
  decimals: number;
  /** The catalogue's bounds (lib/metrics/feeds.ts): the y axis never goes beyond them. */
  min: number;
  max: number;
}

interface DrawnChart {
  dispose: () => void;
  /** Moves the cursor by `step` points (±Infinity: to the first / last). */
  step: (step: number) => void;
  hideCursor: () => void;
}

/** The axis colour: the container's CSS `color`, so light and dark mode come from the stylesheet. */
function cssColor(element: HTMLElement): string {
  return getComputedStyle(element).color || '#475569';
}

/** Creates the chart and keeps it fed from the stores. */
function drawChart(
  UPlot: typeof uPlot,
  element: HTMLDivElement,
  container: HTMLDivElement,
  live: Live,
  view: ChartView,
  { feed, label, unit, color, decimals, min, max }: ChartProps,
  drawn: (points: number) => void,
): DrawnChart {
  const series = live.metrics.series(feed);
  const serverNow = () => Date.now() + live.status.getState().clockOffsetMs;
  let axisColor = cssColor(container);
  // Grid and tick lines follow the theme's CSS variables (globals.css), like the axis text.
  let gridColor = chartTheme().grid;
  let spans: ChartSpans = { lost: [], recovered: [], waiting: null };
  /** A copy of the window taken at pause: new points keep merging into the store, not into the view. */
  let frozen: [number[], number[]] | null = null;

  const xRange = (): [number, number] => {
    const { rangeMs, pausedAt } = view.store.getState();
    const end = pausedAt ?? serverNow();
    return [end - rangeMs, end];
  };
  const axis = {
    stroke: () => axisColor,
    grid: { stroke: () => gridColor },
    ticks: { stroke: () => gridColor },
    font: '11px system-ui, sans-serif',
  };

  const chart = new UPlot(
    {
      width: Math.max(element.clientWidth, 100),
      height: HEIGHT,
      ms: 1, // x values are ms timestamps, as on the wire
      legend: { show: false },
      cursor: { y: false, sync: { key: SYNC_KEY }, drag: { x: false, y: false } },
      scales: {
        // Always now-anchored (or the pause's moment): data never moves the x axis.
        x: { time: true, range: () => xRange() },
        y: { range: (_u, dataMin, dataMax) => yRange(dataMin, dataMax, min, max) },
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
          values: (_u, splits, _axis, _space, step) => splits.map((v) => formatTick(v, unit, step)),
        },
      ],
      series: [
        {},
        {
          label,
          stroke: color,
          width: 1.5,
          fill: `${color}1a`,
          // A hole in the data breaks the line (uPlot clips these pixel ranges out of the path).
          gaps: (u, _s, idx0, idx1, nullGaps) => {
            const ts = u.data[0];
            for (const i of holeIndexes(ts, gapThresholdMs(ts), idx0, idx1)) {
              UPlot.addGap(
                nullGaps,
                Math.round(u.valToPos(ts[i]!, 'x', true)),
                Math.round(u.valToPos(ts[i + 1]!, 'x', true)),
              );
            }
            return nullGaps;
          },
        },
      ],
      plugins: [shadingPlugin(() => spans), tooltipPlugin({ unit, decimals })],
    },
    [series.ts, series.values],
    element,
  );

  let lastDraw = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let frame: number | null = null;

  const draw = () => {
    lastDraw = performance.now();
    const { rangeMs, pausedAt } = view.store.getState();
    const [ts, values] = frozen ?? [series.ts, series.values];
    const [xMin, xMax] = xRange();
    spans = chartSpans(ts, live.status.getState().outages, pausedAt ?? serverNow(), xMin, xMax);
    chart.setData([ts, values]);
    // Attribute writes only when the value changed: each one is DOM (and accessibility tree) work.
    const set = (name: string, value: string) =>
      container.getAttribute(name) !== value && container.setAttribute(name, value);
    set('data-range', String(rangeMs));
    set('data-paused', String(pausedAt !== null));
    set('data-x-end', String(Math.round(xMax)));
    set('data-lost', String(spans.lost.length));
    set('data-recovered', String(spans.recovered.length));
    set('data-waiting', String(spans.waiting !== null));
    set('aria-label', `${label} chart, last ${rangeLabel(rangeMs)}${pausedAt !== null ? ', paused' : ''}`);
    drawn(ts.length);
  };
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    if (frame !== null) cancelAnimationFrame(frame);
    timer = frame = null;
  };
  /** Coalesces redraw requests: at most one per frame, and per pixel of time (see above). */
  const schedule = () => {
    if (timer !== null || frame !== null || frozen) return;
    const msPerPixel = view.store.getState().rangeMs / Math.max(chart.over.clientWidth, 1);
    const wait = Math.max(0, lastDraw + Math.min(CLOCK_MS, Math.max(MIN_REDRAW_MS, msPerPixel)) - performance.now());
    timer = setTimeout(() => {
      timer = null;
      frame = requestAnimationFrame(() => {
        frame = null;
        draw();
      });
    }, wait);
  };
  draw();

  const unsubscribeData = live.metrics.api.subscribe((state, previous) => {
    if (state.feeds[feed]?.revision !== previous.feeds[feed]?.revision) schedule();
  });
  // Outages begin and end on status changes: mark them at once, not at the next data.
  const unsubscribeStatus = live.status.subscribe((state, previous) => {
    if (state.outages !== previous.outages || state.connection.state !== previous.connection.state) schedule();
  });
  const unsubscribeView = view.store.subscribe((state, previous) => {
    if (state.pausedAt !== previous.pausedAt) {
      frozen = state.pausedAt === null ? null : [series.ts.slice(), series.values.slice()];
    }
    cancel();
    draw(); // a reader's choice shows at once
  });
  // The axis moves with the clock even when no data arrives (an outage grows on screen).
  const clock = setInterval(schedule, CLOCK_MS);
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 100), height: HEIGHT }));
  resize.observe(element);
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  const recolour = () => {
    axisColor = cssColor(container);
    gridColor = chartTheme().grid;
    chart.redraw(false, true);
  };
  scheme.addEventListener('change', recolour);

  /** Moves the cursor between the points in view (uPlot keeps their index range in `idxs`). */
  const step = (by: number) => {
    const data = chart.data[0];
    const [first = 0, last = data.length - 1] = chart.series[0]?.idxs ?? [];
    if (data.length === 0 || last < first) return;
    const current = chart.cursor.idx ?? last;
    const idx = by === Infinity ? last : by === -Infinity ? first : Math.min(last, Math.max(first, current + by));
    const value = chart.data[1]?.[idx];
    chart.setCursor({ left: chart.valToPos(data[idx]!, 'x'), top: value == null ? 0 : chart.valToPos(value, 'y') });
  };

  return {
    step,
    hideCursor: () => chart.setCursor({ left: -10, top: -10 }),
    dispose: () => {
      cancel();
      clearInterval(clock);
      unsubscribeData();
      unsubscribeStatus();
      unsubscribeView();
      resize.disconnect();
      scheme.removeEventListener('change', recolour);
      chart.destroy();
    },
  };
}

const KEY_STEPS: Record<string, number> = {
  ArrowLeft: -1,
  ArrowRight: 1,
  PageUp: -10,
  PageDown: 10,
  Home: -Infinity,
  End: Infinity,
};

export function MetricChart(props: ChartProps) {
  const { feed, label, unit, color, decimals, min, max } = props;
  const live = useLive();
  const view = useChartViewApi();
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<HTMLDivElement>(null);
  const chart = useRef<DrawnChart | null>(null);
  const [initialPoints] = useState(() => live.metrics.series(feed).length);
  const [plotted, setPlotted] = useState(false);
  const drawn = useCallback((points: number) => {
    if (container.current) container.current.dataset.points = String(points);
  }, []);

  useEffect(() => {
    const element = plot.current;
    const outer = container.current;
    if (!element || !outer) return;
    const cancelLoad = loadChartLibrary(live, (UPlot) => {
      const options = { feed, label, unit, color, decimals, min, max };
      chart.current = drawChart(UPlot, element, outer, live, view, options, drawn);
      setPlotted(true);
    });
    return () => {
      cancelLoad();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [live, view, feed, label, unit, color, decimals, min, max, drawn]);

  const onKeyDown = (event: KeyboardEvent) => {
    const by = KEY_STEPS[event.key];
    if (by === undefined) return;
    event.preventDefault();
    chart.current?.step(by);
  };

  return (
    <div
      ref={container}
      data-testid={`chart-${feed}`}
      data-points={initialPoints}
      // Keyboard use only once uPlot draws (the sparkline offers none): arrows move the cursor.
      tabIndex={plotted ? 0 : undefined}
      onKeyDown={plotted ? onKeyDown : undefined}
      onFocus={plotted ? () => chart.current?.step(0) : undefined}
      onBlur={plotted ? () => chart.current?.hideCursor() : undefined}
      aria-label={`${label} chart`}
      aria-roledescription="chart"
      aria-keyshortcuts={plotted ? 'ArrowLeft ArrowRight Home End' : undefined}
      role="group"
      className="relative h-[176px] w-full rounded text-slate-600 outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 dark:text-slate-300 dark:focus-visible:ring-offset-slate-900"
    >
      {!plotted && <Sparkline feed={feed} color={color} onDrawn={drawn} />}
      <div ref={plot} className="absolute inset-0" />
    </div>
  );
}
