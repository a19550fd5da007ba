'use client';

import { useSyncExternalStore } from 'react';
import { useLive, useLiveStatus, useMetrics } from '@/lib/live/react';
import { useNow } from '@/lib/live/use-now';
import type { FeedDefinition } from '@/lib/metrics/feeds';
import { ChartDataTable } from './chart/data-table';
import { MetricChart } from './chart/metric-chart';
import { isOverdue } from './chart/spans';

export interface FeedCardProps {
  /** The catalogue's entry (lib/metrics/feeds.ts): its bounds keep the chart's y axis. */
  feed: FeedDefinition;
  color: string;
}

function Trend({ from, to, decimals }: { from: number | null; to: number | null; decimals: number }) {
  if (from === null || to === null) return null;
  const delta = to - from;
  const flat = Math.abs(delta) < 10 ** -decimals;
  const arrow = flat ? '→' : delta > 0 ? '↑' : '↓';
  return (
    <span
      data-testid="feed-trend"
      className="text-xs text-slate-500 tabular-nums dark:text-slate-400"
      title="change over the last minute"
    >
      {arrow} {flat ? 'steady' : `${delta > 0 ? '+' : ''}${delta.toFixed(decimals)}`}
    </span>
  );
}

const noSubscribe = () => () => {};
const utcTime = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium', timeZone: 'UTC' });

/**
 * "as of 12:03:41": when the value shown was measured. Local time in the browser; in the server
 * HTML (and during hydration) UTC, labelled so, since the server cannot know the reader's zone.
 */
function AsOf({ ts }: { ts: number }) {
  const isClient = useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
  const text = isClient ? new Date(ts).toLocaleTimeString() : `${utcTime.format(ts)} UTC`;
  return (
    <span data-testid="feed-as-of" className="text-xs font-normal text-amber-700 dark:text-amber-300">
      as of <time dateTime={new Date(ts).toISOString()}>{text}</time>
    </span>
  );
}

/**
 * One feed: current value, unit, one-minute trend, and the chart. While the connection is not
 * `live` (also in the server HTML, before any stream), and as soon as the feed's next point is
 * overdue (its chart would call the silence a hole: a link gone quiet, a feed that stopped), the
 * value is the last one received: it is dimmed and says when it was measured (`data-stale`).
 * The connection's stall watchdog acts a moment later; the value never looks live meanwhile.
 */
export function FeedCard({ feed, color }: FeedCardProps) {
  const { name, label, unit, decimals } = feed;
  const live = useLive();
  // `?.`: a feed the store has not heard of yet renders empty instead of crashing.
  const lastSeq = useMetrics((s) => s.feeds[name]?.lastSeq ?? 0);
  const value = useMetrics((s) => s.feeds[name]?.lastValue ?? null);
  const trendFrom = useMetrics((s) => s.feeds[name]?.trendFrom ?? null);
  const notLive = useLiveStatus((s) => s.connection.state !== 'live');
  const clockOffsetMs = useLiveStatus((s) => s.clockOffsetMs);
  const now = useNow();
  // Read with `value`: both change on the same commit (and re-read every second with `now`).
  const { ts } = live.metrics.series(name);
  const lastTs = ts.at(-1) ?? null;
  const stale = notLive || (now !== null && isOverdue(ts, now + clockOffsetMs));

  return (
    <section
      data-feed={name}
      data-last-seq={lastSeq}
      data-stale={String(stale)}
      className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
    >
      <header className="flex items-baseline justify-between gap-2">
        <h2 className="text-sm font-medium text-slate-600 dark:text-slate-300">{label}</h2>
        <Trend from={trendFrom} to={value} decimals={decimals} />
      </header>
      <p className="mt-1 flex flex-wrap items-baseline gap-x-2 text-2xl font-semibold tabular-nums">
        {/* Dimmed by colour, not opacity: it stays above WCAG AA contrast in both themes. */}
        <span className={stale ? 'text-slate-500 dark:text-slate-400' : ''}>
          <span data-testid="feed-value">{value === null ? '—' : value.toFixed(decimals)}</span>
          <span className="ml-1 text-sm font-normal text-slate-500 dark:text-slate-400">{unit}</span>
        </span>
        {stale && lastTs !== null && <AsOf ts={lastTs} />}
      </p>
      <div className="mt-2">
        <MetricChart feed={feed} color={color} />
      </div>
      <ChartDataTable feed={feed} />
    </section>
  );
}
