import type { ConnectionEnv } from '@/lib/client/connection-env';

/**
 * Reference counting with a deferred stop: `start` on the first retain, `stop` shortly after
 * the last release. Deferred because React StrictMode (dev) runs every effect as setup, cleanup,
 * setup at once: the remount within the same tick keeps the running stream instead of opening
 * a second one.
 */
export function createRetainer(
  env: Pick<ConnectionEnv, 'setTimeout' | 'clearTimeout'>,
  start: () => void,
  stop: () => void,
): () => () => void {
  let refs = 0;
  let running = false;
  let stopTimer: unknown = null;

  return function retain() {
    refs += 1;
    if (stopTimer !== null) env.clearTimeout(stopTimer);
    stopTimer = null;
    if (!running) {
      running = true;
      start();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      refs -= 1;
      if (refs > 0) return;
      stopTimer = env.setTimeout(() => {
        stopTimer = null;
        if (refs === 0 && running) {
          running = false;
          stop();
        }
      }, 0);
    };
  };
}
