import type uPlot from 'uplot';
import type { Live } from '@/lib/live/live';

/**
 * Loads uPlot (a separate chunk, fetched after hydration) and keeps trying until it has it.
 *
 * A lazy chunk is an asset like the stream: requested during a network drop, it fails, and the
 * bundler's runtime gives up after one quick retry (`ChunkLoadError`). Without this, the charts
 * would never appear for that page's lifetime. So a failed load is retried when the network is
 * probably back: when the stream goes live again (the best evidence this page has), when the
 * browser says `online`, or after a backoff of its own (2 s doubling to 30 s), whichever is first.
 */

type UPlotConstructor = typeof uPlot;

let pending: Promise<UPlotConstructor> | null = null;

/** One import shared by every chart; forgotten when it fails, so the next call tries again. */
function importUplot(): Promise<UPlotConstructor> {
  pending ??= import('uplot').then(
    (module) => module.default,
    (error: unknown) => {
      pending = null;
      throw error;
    },
  );
  return pending;
}

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

/** Calls `run` once: at the next live transition, the next `online`, or after `delayMs`. Returns a cancel. */
function whenNetworkMayBeBack(live: Live, delayMs: number, run: () => void): () => void {
  let wasLive = live.status.getState().connection.state === 'live';
  const stop = () => {
    clearTimeout(timer);
    unsubscribe();
    window.removeEventListener('online', fire);
  };
  const fire = () => {
    stop();
    run();
  };
  const timer = setTimeout(fire, delayMs);
  const unsubscribe = live.status.subscribe(({ connection }) => {
    const isLive = connection.state === 'live';
    if (isLive && !wasLive) fire();
    wasLive = isLive;
  });
  window.addEventListener('online', fire);
  return stop;
}

/**
 * Resolves `onLoaded` with uPlot as soon as it could be loaded, retrying failures as described
 * above. Returns a cancel (for the effect's cleanup).
 */
export function loadChartLibrary(live: Live, onLoaded: (UPlot: UPlotConstructor) => void): () => void {
  let cancelled = false;
  let cancelWait = () => {};
  let delay = FIRST_RETRY_MS;
  const attempt = () => {
    importUplot().then(
      (UPlot) => {
        if (!cancelled) onLoaded(UPlot);
      },
      () => {
        if (cancelled) return;
        cancelWait = whenNetworkMayBeBack(live, delay, attempt);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      },
    );
  };
  attempt();
  return () => {
    cancelled = true;
    cancelWait();
  };
}
