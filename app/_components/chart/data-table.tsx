'use client';

import { useState } from 'react';
import { useLive, useMetrics } from '@/lib/live/react';
import type { FeedDefinition } from '@/lib/metrics/feeds';
import { tableRows } from './table-rows';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** How many rows, how far apart: the last minute, a row every 5 s. */
const ROWS = 12;
const EVERY_MS = 5000;

function Rows({ feed: { name, unit, decimals } }: { feed: FeedDefinition }) {
  const series = useLive().metrics.series(name);
  // Subscribes to this feed's revision (the window itself is mutable): re-renders only while open.
  useMetrics((s) => s.feeds[name]?.revision ?? 0);
  const rows = tableRows(series.ts, series.values, { rows: ROWS, everyMs: EVERY_MS });
  if (rows.length === 0) return <p className="mt-2 text-slate-600 dark:text-slate-400">No data yet.</p>;
  return (
    <table className="mt-2 w-full text-left tabular-nums">
      <thead>
        <tr className="text-slate-600 dark:text-slate-400">
          <th scope="col" className="font-medium">
            Time
          </th>
          <th scope="col" className="text-right font-medium">
            Value ({unit})
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.ts}>
            <td>{TIME.format(row.ts)}</td>
            <td className="text-right">
              {row.value.toFixed(decimals)} {unit}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The chart's text alternative: a disclosure with the feed's recent readings as a table (a row
 * every 5 s over the last minute, newest first, local time). A native `<details>`, so it is
 * reachable and operable by keyboard and announced as expandable without any script; the rows
 * render only while it is open, so a closed table costs nothing per tick.
 */
export function ChartDataTable({ feed }: { feed: FeedDefinition }) {
  const [open, setOpen] = useState(false);
  return (
    <details
      data-testid={`chart-table-${feed.name}`}
      className="mt-2 text-xs"
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary className="cursor-pointer text-slate-700 dark:text-slate-300">
        Show data table<span className="sr-only"> for {feed.label}</span>
      </summary>
      {open && <Rows feed={feed} />}
    </details>
  );
}
