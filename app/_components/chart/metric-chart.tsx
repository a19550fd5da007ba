'use client';

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import 'uplot/dist/uPlot.min.css';
import { useLive } from '@/lib/live/react';
import type { FeedDefinition } from '@/lib/metrics/feeds';
import { drawChart, type DrawnChart } from './draw-chart';
import { loadChartLibrary } from './load-uplot';
import { Sparkline } from './sparkline';
import { useChartViewApi } from './view';

/**
 * One feed's chart, the React side: a uPlot time series drawn and fed outside React
 * (draw-chart.ts, with its options in uplot-options.ts and its redraws timed by
 * redraw-scheduler.ts), so a tick costs one canvas redraw and no React render.
 *
 * uPlot is loaded after hydration (a separate chunk, shared by every chart): it keeps
 * first-load JS small. A load that fails during a network drop is retried (load-uplot.ts).
 * Until it has loaded, a server-rendered SVG sparkline of the same window stands in, so the
 * first paint already has a chart. Once it draws, the arrow keys move the cursor.
 *
 * `data-points` (the DOM contract: points currently drawn) is rendered once by React from the
 * initial window, identical on the server and at hydration, and then kept current imperatively
 * by whichever of the two draws: React never re-renders it. The same holds for `data-range`,
 * `data-paused`, `data-x-end` and the span counts (docs/dom-contract.md).
 */

export interface ChartProps {
  /** The catalogue's entry: name, label, unit, decimals, and the bounds the y axis keeps within. */
  feed: FeedDefinition;
  color: string;
}

const KEY_STEPS: Record<string, number> = {
  ArrowLeft: -1,
  ArrowRight: 1,
  PageUp: -10,
  PageDown: 10,
  Home: -Infinity,
  End: Infinity,
};

export function MetricChart({ feed, color }: ChartProps) {
  // Primitives for the effect: a new catalogue object with the same values keeps the chart.
  const { name, label, unit, decimals, min, max } = feed;
  const live = useLive();
  const view = useChartViewApi();
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<HTMLDivElement>(null);
  const chart = useRef<DrawnChart | null>(null);
  const [initialPoints] = useState(() => live.metrics.series(name).length);
  const [plotted, setPlotted] = useState(false);
  const drawn = useCallback((points: number) => {
    if (container.current) container.current.dataset.points = String(points);
  }, []);

  useEffect(() => {
    const element = plot.current;
    const outer = container.current;
    if (!element || !outer) return;
    const cancelLoad = loadChartLibrary(live, (UPlot) => {
      const definition = { name, label, unit, decimals, min, max };
      chart.current = drawChart(UPlot, { feed: definition, color, element, container: outer, live, view, drawn });
      setPlotted(true);
    });
    return () => {
      cancelLoad();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [live, view, name, label, unit, color, decimals, min, max, drawn]);

  const onKeyDown = (event: KeyboardEvent) => {
    const by = KEY_STEPS[event.key];
    if (by === undefined) return;
    event.preventDefault();
    chart.current?.step(by);
  };

  return (
    <div
      ref={container}
      data-testid={`chart-${name}`}
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
      {!plotted && <Sparkline feed={name} color={color} onDrawn={drawn} />}
      <div ref={plot} className="absolute inset-0" />
    </div>
  );
}
