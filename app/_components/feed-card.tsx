'use client';

import { useMetrics } from '@/lib/live/react';
import { ChartDataTable } from './chart-data-table';
import { MetricChart } from './metric-chart';

export interface FeedCardProps {
  name: string;
  label: string;
  unit: string;
  decimals: number;
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

/** One feed: current value, unit, one-minute trend, and the chart. */
export function FeedCard({ name, label, unit, decimals, color }: FeedCardProps) {
  // `?.`: a feed the store has not heard of yet renders empty instead of crashing.
  const lastSeq = useMetrics((s) => s.feeds[name]?.lastSeq ?? 0);
  const value = useMetrics((s) => s.feeds[name]?.lastValue ?? null);
  const trendFrom = useMetrics((s) => s.feeds[name]?.trendFrom ?? null);

  return (
    <section
      data-feed={name}
      data-last-seq={lastSeq}
      className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
    >
      <header className="flex items-baseline justify-between gap-2">
        <h2 className="text-sm font-medium text-slate-600 dark:text-slate-300">{label}</h2>
        <Trend from={trendFrom} to={value} decimals={decimals} />
      </header>
      <p className="mt-1 text-2xl font-semibold tabular-nums">
        <span data-testid="feed-value">{value === null ? '—' : value.toFixed(decimals)}</span>
        <span className="ml-1 text-sm font-normal text-slate-500 dark:text-slate-400">{unit}</span>
      </p>
      <div className="mt-2">
        <MetricChart feed={name} label={label} unit={unit} color={color} />
      </div>
      <ChartDataTable feed={name} label={label} unit={unit} decimals={decimals} />
    </section>
  );
}
