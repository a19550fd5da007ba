import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { MetricsState } from '@/lib/store/metrics-state';
import type { Live } from './live';
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

export function useMetrics<T>(selector: (state: MetricsState) => T): T {
  return useStore(useLive().metrics.api, selector);
}

export function useLiveStatus<T>(selector: (state: LiveStatusState) => T): T {
  return useStore(useLive().status, selector);
}
