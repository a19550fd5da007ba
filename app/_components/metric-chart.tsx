'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Live } from '@/lib/live/live';
import type { Outage } from '@/lib/live/outages';
import { useLive } from '@/lib/live/react';
import { loadChartLibrary } from './chart-library';
import { Sparkline } from './sparkline';

/**
 * A uPlot time series fed imperatively: it subscribes to the store and calls `setData` when
 * its feed's window changed, so a tick costs one canvas redraw and no React render. Outages
 * are shaded; replayed points are drawn exactly like live ones (they are the same data).
 *
 * uPlot is loaded after hydration (a separate 23 KB gzip chunk, shared by every chart): it keeps
 * first-load JS small. A load that fails during a network drop is retried (chart-library.ts). Until it has loaded, a server-rendered SVG sparkline of the same window
 * stands in, so the first paint already has a chart.
 *
 * `data-points` (the DOM contract: points currently drawn) is rendered once by React from the
 * initial window, identical on the server and at hydration, and then kept current imperatively
 * by whichever of the two draws: React never re-renders it.
 */

const HEIGHT = 120;
const OUTAGE_FILL = 'rgba(245, 158, 11, 0.18)';
const AXIS = {
  stroke: '#94a3b8',
  grid: { stroke: 'rgba(148, 163, 184, 0.15)' },
  ticks: { stroke: 'rgba(148, 163, 184, 0.3)' },
};

function shadeOutages(outages: () => readonly Outage[]) {
  return (u: uPlot) => {
    const { ctx, bbox } = u;
    const xMin = u.scales.x?.min;
    const xMax = u.scales.x?.max;
    if (xMin == null || xMax == null) return;
    ctx.save();
    ctx.fillStyle = OUTAGE_FILL;
    for (const outage of outages()) {
      const from = Math.max(outage.from, xMin);
      const to = Math.min(outage.to ?? xMax, xMax);
      if (to <= from) continue;
      const left = u.valToPos(from, 'x', true);
      ctx.fillRect(left, bbox.top, u.valToPos(to, 'x', true) - left, bbox.height);
    }
    ctx.restore();
  };
}

/** Creates the chart and keeps it fed from the store; returns its teardown. */
function drawChart(
  UPlot: typeof uPlot,
  element: HTMLDivElement,
  live: Live,
  { feed, label, unit, color }: ChartProps,
  drawn: (points: number) => void,
): () => void {
  const series = live.metrics.series(feed);
  const outages = () => live.status.getState().outages;
  const chart = new UPlot(
    {
      width: Math.max(element.clientWidth, 100),
      height: HEIGHT,
      ms: 1, // x values are ms timestamps, as on the wire
      legend: { show: false },
      cursor: { y: false },
      scales: { x: { time: true } },
      axes: [AXIS, { ...AXIS, size: 48 }],
      series: [
        {},
        { label, stroke: color, width: 1.5, fill: `${color}1a`, value: (_u, v) => (v == null ? '' : `${v} ${unit}`) },
      ],
      hooks: { drawClear: [shadeOutages(outages)] },
    },
    [series.ts, series.values],
    element,
  );
  drawn(series.length);

  const redraw = () => {
    chart.setData([series.ts, series.values]);
    drawn(series.length);
  };
  // Redraw when this feed's window changed, or when an outage (to shade) began or ended.
  let revision = live.metrics.api.getState().feeds[feed]?.revision;
  const unsubscribeData = live.metrics.api.subscribe((state) => {
    if (state.feeds[feed]?.revision === revision) return;
    revision = state.feeds[feed]?.revision;
    redraw();
  });
  let outageList = live.status.getState().outages;
  const unsubscribeOutages = live.status.subscribe((state) => {
    if (state.outages === outageList) return;
    outageList = state.outages;
    redraw();
  });
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 100), height: HEIGHT }));
  resize.observe(element);
  return () => {
    unsubscribeData();
    unsubscribeOutages();
    resize.disconnect();
    chart.destroy();
  };
}

interface ChartProps {
  feed: string;
  label: string;
  unit: string;
  color: string;
}

export function MetricChart({ feed, label, unit, color }: ChartProps) {
  const live = useLive();
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<HTMLDivElement>(null);
  const [initialPoints] = useState(() => live.metrics.series(feed).length);
  const [plotted, setPlotted] = useState(false);
  const drawn = useCallback((points: number) => {
    if (container.current) container.current.dataset.points = String(points);
  }, []);

  useEffect(() => {
    const element = plot.current;
    if (!element) return;
    let dispose = () => {};
    const cancelLoad = loadChartLibrary(live, (UPlot) => {
      dispose = drawChart(UPlot, element, live, { feed, label, unit, color }, drawn);
      setPlotted(true);
    });
    return () => {
      cancelLoad();
      dispose();
    };
  }, [live, feed, label, unit, color, drawn]);

  return (
    <div
      ref={container}
      data-testid={`chart-${feed}`}
      data-points={initialPoints}
      className="relative h-[120px] w-full"
      aria-label={`${label} over the last 5 minutes`}
      role="img"
    >
      {!plotted && <Sparkline feed={feed} color={color} onDrawn={drawn} />}
      <div ref={plot} className="absolute inset-0" />
    </div>
  );
}
