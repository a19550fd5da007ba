import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { MetricsState } from '@/lib/store/metrics-state';
import type { Live } from './live';
import { pacedView, type PacedView } from './paced-subscribe';
import type { LiveStatusState } from './status-store';

/**
 * Thin React hooks over the framework-free `Live` (like zustand's react.ts over vanilla.ts).
 * Select primitives or stable references: a selector that builds a new object each call would
 * re-render on every commit.
 */

export const LiveContext = createContext<Live | null>(null);

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive must be used inside <LiveProvider>');
  return live;
}

/** One paced view per store, shared by every component (stable, as React requires). */
const views = new WeakMap<StoreApi<MetricsState>, PacedView<MetricsState>>();
function displayed(api: StoreApi<MetricsState>): PacedView<MetricsState> {
  let view = views.get(api);
  if (!view) views.set(api, (view = pacedView(api)));
  return view;
}

/**
 * Metrics for display: re-renders at most every `DISPLAY_EVERY_MS` (paced-subscribe.ts), since
 * numbers that change ten times a second cannot be read, and every component reads the same
 * picture of the store, so the page never shows two commits at once. Charts draw outside React
 * at their own pace (app/_components/chart/draw-chart.ts).
 */
export function useMetrics<T>(selector: (state: MetricsState) => T): T {
  const api = useLive().metrics.api;
  const view = displayed(api);
  const get = useCallback(() => selector(view.getState()), [view, selector]);
  const getServer = useCallback(() => selector(api.getInitialState()), [api, selector]);
  return useSyncExternalStore(view.subscribe, get, getServer);
}

/** Connection state is never paced: a state on screen must change when it does. */
export function useLiveStatus<T>(selector: (state: LiveStatusState) => T): T {
  return useStore(useLive().status, selector);
}
