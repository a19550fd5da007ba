import type { ConnectionEnv } from './connection-env';

/**
 * Notices a stream that has gone silent: no bytes for `thresholdMs()` means the link is
 * half-open (nothing closed, nothing arrives), the one failure no socket event reports.
 * Fed with every chunk, heartbeat comments included.
 */

export interface StallWatchdog {
  /** Bytes arrived (or a request started): the silence starts over. */
  feed(): void;
  /** Stops watching (stream ended, stop()). */
  clear(): void;
  /** Whether it is watching and the silence is already past the threshold (a throttled timer in a hidden tab). */
  overdue(): boolean;
  /** Whether it is watching and bytes arrived (or the request started) at or after `since`. */
  fedSince(since: number): boolean;
}

export function createStallWatchdog(
  env: Pick<ConnectionEnv, 'setTimeout' | 'clearTimeout' | 'now'>,
  thresholdMs: () => number,
  onStall: () => void,
): StallWatchdog {
  let timer: unknown = null;
  let lastByteAt = 0;
  const clear = () => {
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
  };
  return {
    feed() {
      clear();
      lastByteAt = env.now();
      timer = env.setTimeout(() => {
        timer = null;
        onStall();
      }, thresholdMs());
    },
    clear,
    overdue: () => timer !== null && env.now() - lastByteAt >= thresholdMs(),
    fedSince: (since) => timer !== null && lastByteAt >= since,
  };
}
