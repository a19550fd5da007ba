import type uPlot from 'uplot';
import type { Live } from '@/lib/live/live';
import { feedSpans } from '@/lib/live/outages';
import type { FeedDefinition } from '@/lib/metrics/feeds';
import { chartTheme } from './palette';
import { createRedrawScheduler, CLOCK_MS } from './redraw-scheduler';
import { chartSpans, type ChartSpans } from './spans';
import { CHART_HEIGHT, chartOptions } from './uplot-options';
import { rangeLabel, type ChartView } from './view';

/**
 * One chart on the page, fed imperatively: it subscribes to the stores and redraws its canvas,
 * so a tick costs one canvas redraw and no React render. The options are uplot-options.ts, when
 * to redraw is redraw-scheduler.ts; this file joins them to the stores, the view (range, pause)
 * and the page (size, colour scheme), and keeps the DOM contract's attributes current.
 */

export interface DrawnChart {
  dispose: () => void;
  /** Moves the cursor by `step` points (±Infinity: to the first / last). */
  step: (step: number) => void;
  hideCursor: () => void;
}

export interface DrawChartOptions {
  feed: FeedDefinition;
  color: string;
  /** The element uPlot draws into, and the chart's container (it carries the attributes). */
  element: HTMLDivElement;
  container: HTMLDivElement;
  live: Live;
  view: ChartView;
  /** Told how many points are drawn after every draw (the chart's `data-points`). */
  drawn: (points: number) => void;
}

/** The axis colour: the container's CSS `color`, so light and dark mode come from the stylesheet. */
function cssColor(element: HTMLElement): string {
  return getComputedStyle(element).color || '#475569';
}

/** Creates the chart and keeps it fed from the stores. */
export function drawChart(
  UPlot: typeof uPlot,
  { feed, color, element, container, live, view, drawn }: DrawChartOptions,
): DrawnChart {
  const series = live.metrics.series(feed.name);
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

  const chart = new UPlot(
    chartOptions({
      feed,
      color,
      width: Math.max(element.clientWidth, 100),
      xRange,
      axisColor: () => axisColor,
      gridColor: () => gridColor,
      spans: () => spans,
      addGap: UPlot.addGap,
    }),
    [series.ts, series.values],
    element,
  );

  const draw = () => {
    const { rangeMs, pausedAt } = view.store.getState();
    const [ts, values] = frozen ?? [series.ts, series.values];
    const [xMin, xMax] = xRange();
    const outages = feedSpans(live.status.getState().outages, feed.name);
    spans = chartSpans(ts, outages, pausedAt ?? serverNow(), xMin, xMax);
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
    set('aria-label', `${feed.label} chart, last ${rangeLabel(rangeMs)}${pausedAt !== null ? ', paused' : ''}`);
    drawn(ts.length);
  };
  const redraw = createRedrawScheduler({
    draw,
    msPerPixel: () => view.store.getState().rangeMs / Math.max(chart.over.clientWidth, 1),
    frozen: () => frozen !== null,
    // A hidden tab (a follower in the background too) does no chart work: no draw, no layout.
    hidden: () => document.visibilityState === 'hidden',
  });
  redraw.drawNow();
  // What arrived while hidden is drawn once, when the page is shown again.
  const onVisibility = () => document.visibilityState === 'visible' && redraw.schedule();
  document.addEventListener('visibilitychange', onVisibility);

  const unsubscribeData = live.metrics.api.subscribe((state, previous) => {
    if (state.feeds[feed.name]?.revision !== previous.feeds[feed.name]?.revision) redraw.schedule();
  });
  // Outages begin and end on status changes: mark them at once, not at the next data.
  const unsubscribeStatus = live.status.subscribe((state, previous) => {
    if (state.outages !== previous.outages || state.connection.state !== previous.connection.state) {
      redraw.schedule();
    }
  });
  const unsubscribeView = view.store.subscribe((state, previous) => {
    if (state.pausedAt !== previous.pausedAt) {
      frozen = state.pausedAt === null ? null : [series.ts.slice(), series.values.slice()];
    }
    redraw.drawNow(); // a reader's choice shows at once
  });
  // The axis moves with the clock even when no data arrives (an outage grows on screen).
  const clock = setInterval(redraw.schedule, CLOCK_MS);
  const resize = new ResizeObserver(() =>
    chart.setSize({ width: Math.max(element.clientWidth, 100), height: CHART_HEIGHT }),
  );
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
      redraw.cancel();
      clearInterval(clock);
      document.removeEventListener('visibilitychange', onVisibility);
      unsubscribeData();
      unsubscribeStatus();
      unsubscribeView();
      resize.disconnect();
      scheme.removeEventListener('change', recolour);
      chart.destroy();
    },
  };
}
