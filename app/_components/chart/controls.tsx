'use client';

import { useLive } from '@/lib/live/react';
import { useNow } from '@/lib/live/use-now';
import { formatDate } from './format';
import { SPAN_SWATCH_STYLE } from './shading';
import { rangeLabel, useChartView, useChartViewApi } from './view';

/**
 * The charts' shared controls: the one date line (chart axes show only times), the time range,
 * pause / resume, and the legend for the marks under the lines. One row above the grid.
 */

const button =
  'rounded-md px-2.5 py-1 text-sm font-medium ring-1 ring-slate-300 transition-colors hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 aria-pressed:bg-slate-800 aria-pressed:text-white aria-pressed:ring-slate-800 dark:ring-slate-600 dark:hover:bg-slate-800 dark:aria-pressed:bg-slate-200 dark:aria-pressed:text-slate-900';

function Legend() {
  const items = [
    ['lost', 'lost: no data, could not be recovered'],
    ['recovered', 'recovered: filled in after a reconnect'],
    ['waiting', 'outage in progress'],
  ] as const;
  return (
    <ul
      data-testid="chart-legend"
      className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-300"
    >
      {items.map(([kind, text]) => (
        <li key={kind} className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-5 rounded-sm" style={SPAN_SWATCH_STYLE[kind]} />
          {text}
        </li>
      ))}
    </ul>
  );
}

export function ChartControls() {
  const live = useLive();
  const { store, ranges } = useChartViewApi();
  const rangeMs = useChartView((s) => s.rangeMs);
  const pausedAt = useChartView((s) => s.pausedAt);
  // Null in the server HTML and during hydration: the date is the reader's, the server's is not.
  const now = useNow();
  const paused = pausedAt !== null;
  const togglePause = () =>
    store.setState({ pausedAt: paused ? null : Date.now() + live.status.getState().clockOffsetMs });

  return (
    <div
      data-testid="chart-controls"
      data-range={rangeMs}
      data-paused={String(paused)}
      className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2"
    >
      <p data-testid="chart-date" className="text-sm text-slate-600 dark:text-slate-300">
        {now !== null ? <>Times are local, {formatDate(pausedAt ?? now)}</> : 'Times are local'}
      </p>
      <Legend />
      <div className="flex items-center gap-2">
        <div role="group" aria-label="Time range" className="flex gap-1">
          {ranges.map((range) => (
            <button
              key={range}
              type="button"
              data-range-choice={range}
              aria-pressed={range === rangeMs}
              onClick={() => store.setState({ rangeMs: range })}
              className={button}
            >
              {rangeLabel(range)}
            </button>
          ))}
        </div>
        {/* Its label says what it will do; `data-paused` on the controls says the state. */}
        <button
          type="button"
          data-testid="chart-pause"
          onClick={togglePause}
          className={`${button} ${paused ? 'bg-amber-100 dark:bg-amber-900' : ''}`}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
    </div>
  );
}
