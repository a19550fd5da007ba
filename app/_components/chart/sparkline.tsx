'use client';

import { useEffect } from 'react';
import { useLive, useMetrics } from '@/lib/live/react';
import { SPARKLINE_HEIGHT, SPARKLINE_WIDTH, sparklinePath } from './sparkline-path';

/**
 * A light SVG line of one feed's window: server-rendered with the page (so the first paint has a
 * chart) and kept current until uPlot has loaded and takes over. Re-renders once per committed
 * batch that touched this feed, which is fine for the few moments it is on screen.
 */
export function Sparkline({
  feed,
  color,
  onDrawn,
}: {
  feed: string;
  color: string;
  /** Told how many points are drawn after every render (the chart's `data-points`). */
  onDrawn: (points: number) => void;
}) {
  const series = useLive().metrics.series(feed);
  // Subscribes to this feed's revision: the window itself is mutable and read below.
  const revision = useMetrics((s) => s.feeds[feed]?.revision ?? 0);
  const points = series.length;
  useEffect(() => onDrawn(points), [onDrawn, points, revision]);

  return (
    <svg
      data-testid="sparkline"
      viewBox={`0 0 ${SPARKLINE_WIDTH} ${SPARKLINE_HEIGHT}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      className="absolute inset-0 h-full w-full"
    >
      <path
        d={sparklinePath(series.ts, series.values)}
        fill="none"
        stroke={color}
        strokeWidth={1.5}
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}
