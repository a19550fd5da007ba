'use client';

import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Live } from '@/lib/live/live';
import type { Outage } from '@/lib/live/outages';
import { useLive } from '@/lib/live/react';

/**
 * A uPlot time series fed imperatively: it subscribes to the store and calls `setData` when
 * its feed's window changed, so a tick costs one canvas redraw and no React render. Outages
 * are shaded; replayed points are drawn exactly like live ones (they are the same data).
 *
 * uPlot is loaded after hydration (a separate 23 KB gzip chunk, shared by every chart): it keeps
 * first-load JS small, and the page's first paint already shows each feed's value from the
 * server-rendered snapshot.
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
  element.dataset.points = String(series.length);

  const redraw = () => {
    chart.setData([series.ts, series.values]);
    element.dataset.points = String(series.length);
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
  feed: FeedName;
  label: string;
  unit: string;
  color: string;
}

export function MetricChart({ feed, label, unit, color }: ChartProps) {
  const live = useLive();
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let disposed = false;
    let dispose = () => {};
    void import('uplot').then(({ default: UPlot }) => {
      if (disposed) return;
      dispose = drawChart(UPlot, element, live, { feed, label, unit, color });
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [live, feed, label, unit, color]);

  return (
    <div
      ref={container}
      data-testid={`chart-${feed}`}
      data-points="0"
      className="h-[120px] w-full"
      aria-label={`${label} over the last 5 minutes`}
      role="img"
    />
  );
}
