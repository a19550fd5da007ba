import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';

/**
 * What every chart on the dashboard shows: the time range and whether the view is paused. One
 * small vanilla store per dashboard, read imperatively by the charts (a change redraws the
 * canvases, it does not re-render them) and through `useChartView` by the controls.
 *
 * The range is a view setting, not data: it lives here, so a new tick (which only touches the
 * metrics store) can never reset it.
 */

/** The choices offered, in ms; only those the store's window can fill are shown. */
export const RANGE_CHOICES_MS = [60_000, 300_000, 900_000] as const;

export interface ChartViewState {
  /** Width of the x axis, ms. Default: the largest choice the window holds, at most 5 min. */
  rangeMs: number;
  /** Server time the paused view ends at; null while following now. */
  pausedAt: number | null;
}

export interface ChartView {
  store: StoreApi<ChartViewState>;
  /** The choices the store's window can fill (the window bounds what a chart can show). */
  ranges: readonly number[];
}

export function createChartView(windowMs: number): ChartView {
  const ranges = RANGE_CHOICES_MS.filter((range) => range <= windowMs);
  const fallback = ranges.at(-1) ?? windowMs;
  const rangeMs = ranges.includes(300_000) ? 300_000 : fallback;
  return { store: createStore<ChartViewState>()(() => ({ rangeMs, pausedAt: null })), ranges };
}

export const ChartViewContext = createContext<ChartView | null>(null);

export function useChartViewApi(): ChartView {
  const view = useContext(ChartViewContext);
  if (!view) throw new Error('useChartView must be used inside <ChartViewContext>');
  return view;
}

export function useChartView<T>(selector: (state: ChartViewState) => T): T {
  return useStore(useChartViewApi().store, selector);
}

/** "1 min", "5 min" */
export function rangeLabel(rangeMs: number): string {
  return rangeMs % 60_000 === 0 ? `${rangeMs / 60_000} min` : `${Math.round(rangeMs / 1000)} s`;
}
