import { createContext, useContext, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { MetricsState } from '@/lib/store/metrics-store';
import type { LiveMetrics, LiveStatusState } from './live-metrics';

/**
 * Thin React bindings over the framework-free core (like zustand's react.ts over vanilla.ts).
 * Select primitives or stable references: a selector that builds a new object each call would
 * re-render on every commit.
 */

export const LiveMetricsContext = createContext<LiveMetrics | null>(null);

export function useLiveMetrics(): LiveMetrics {
  const live = useContext(LiveMetricsContext);
  if (!live) throw new Error('useLiveMetrics must be used inside <LiveMetricsContext.Provider>');
  return live;
}

export function useMetrics<T>(selector: (state: MetricsState) => T): T {
  return useStore(useLiveMetrics().metrics.api, selector);
}

export function useLiveStatus<T>(selector: (state: LiveStatusState) => T): T {
  return useStore(useLiveMetrics().status, selector);
}

// One shared 1 s clock for "3 s ago" labels and countdowns.
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | null = null;
let clockNow = 0;

function subscribeClock(listener: () => void): () => void {
  clockListeners.add(listener);
  if (clockTimer === null) {
    clockNow = Date.now();
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      clockListeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0 && clockTimer !== null) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

/**
 * The current time, ticking once a second; null during server rendering and hydration, so
 * time-relative text never causes a hydration mismatch.
 */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribeClock,
    () => (clockNow ||= Date.now()),
    () => null,
  );
}
