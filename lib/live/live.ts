import type { StoreApi } from 'zustand/vanilla';
import type { ConnectionEnv } from '@/lib/client/connection-env';
import type { SharedStreamListener, StreamSource } from '@/lib/client/stream-source';
import type { WireSnapshot } from '@/lib/sse/payloads';
import type { ScheduleFrame } from '@/lib/store/frame-buffer';
import { createMetricsStore, type MetricsStore } from '@/lib/store/metrics-store';
import { createBinding } from './binding';
import { createRetainer } from './retainer';
import { createStatusStore, type LiveStatusState } from './status-store';

/**
 * One live dashboard's state: the metrics store, the status store, and the binding that feeds
 * them from a stream source. Framework-free (the React side is react.ts and provider.tsx), and
 * not a singleton: whoever creates it (a provider, per mount) owns it.
 */

export interface Live {
  readonly metrics: MetricsStore;
  readonly status: StoreApi<LiveStatusState>;
  /** The user's "Reconnect now". */
  reconnectNow(): void;
  /** Starts the source on the first retain; stops it shortly after the last release. */
  retain(): () => void;
}

export interface LiveOptions {
  /**
   * Where events come from: any `StreamSource`. In the browser, the stream shared by every tab
   * (browser-live.ts); a plain `ConnectionManager` (this tab's own stream) works too.
   */
  source: StreamSource<SharedStreamListener>;
  /** Feeds shown before any data arrives. Default none. */
  feeds?: readonly string[];
  /** Recent history, in the stores' initial state; the stream resumes from its cursor. Default none. */
  snapshot?: WireSnapshot;
  /** Timers and clock for the deferred stop and the status times. */
  env: Pick<ConnectionEnv, 'now' | 'setTimeout' | 'clearTimeout'>;
  /** Default: animation frames at most every `COMMIT_EVERY_MS`, with a timer fallback for hidden tabs (frame-buffer.ts). */
  scheduleFrame?: ScheduleFrame;
  /** Chart window per feed. Default 300000 ms. */
  windowMs?: number;
}

export function createLive(options: LiveOptions): Live {
  const { source, env } = options;
  const metrics = createMetricsStore({
    windowMs: options.windowMs ?? 300_000,
    now: env.now,
    ...(options.feeds ? { feeds: options.feeds } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
  });
  const status = createStatusStore(env.now());
  const binding = createBinding({
    source,
    metrics,
    status,
    env,
    ...(options.scheduleFrame ? { scheduleFrame: options.scheduleFrame } : {}),
  });
  return {
    metrics,
    status,
    reconnectNow: binding.reconnectNow,
    retain: createRetainer(
      env,
      () => source.start(binding.listener),
      () => source.stop(),
    ),
  };
}
