import type { ConnectionEnv } from './connection-env';

/**
 * Notices a stream that has gone silent: no bytes for `thresholdMs()` means the link is
 * half-open (nothing closed, nothing arrives), the one failure no socket event reports.
 * Fed with every chunk, heartbeat comments included.
 *
 * Only silence the page lived through counts. A timer that fires a whole threshold late means
 * the page ran no code meanwhile (the machine slept, the page was frozen): the bytes of that
 * time may be waiting to be read, so the silence proves nothing about the link. Then the watch
 * starts over from now, and the page's own wake-up check (lifecycle-signals.ts) judges the
 * stream at once if it can. A timer a little late (a busy machine) still counts as a stall.
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
  const arm = () => {
    const ms = thresholdMs();
    const dueAt = env.now() + ms;
    timer = env.setTimeout(() => {
      timer = null;
      // Fired a whole threshold late: the page was not running, so this silence is not the link's.
      if (env.now() - dueAt >= ms) arm();
      else onStall();
    }, ms);
  };
  return {
    feed() {
      clear();
      lastByteAt = env.now();
      arm();
    },
    clear,
    overdue: () => timer !== null && env.now() - lastByteAt >= thresholdMs(),
    fedSince: (since) => timer !== null && lastByteAt >= since,
  };
}
