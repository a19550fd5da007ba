/**
 * What the connection manager needs from the outside world. Injected, so tests drive time,
 * network and browser signals by hand (see connection.test.ts) instead of mocking globals.
 */

export type BrowserSignal = 'online' | 'offline' | 'visible';

export interface ConnectionEnv {
  fetch: typeof fetch;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  now: () => number;
  random: () => number;
  /** `navigator.onLine`: a hint only (it reports the link, not the server). */
  isOnline: () => boolean;
  /** Subscribes to a browser signal; returns the unsubscribe. */
  listen: (signal: BrowserSignal, callback: () => void) => () => void;
  /**
   * Reports a bug in the page's own code (a handler threw while handling an event), the way an
   * uncaught exception would be: the connection goes `failed` instead of retrying it forever.
   */
  reportError: (error: unknown) => void;
}

/** The real browser: window events, document visibility, global fetch and timers. */
export function browserEnv(): ConnectionEnv {
  return {
    fetch: (input, init) => fetch(input, init),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    now: () => Date.now(),
    random: Math.random,
    isOnline: () => navigator.onLine,
    listen(signal, callback) {
      if (signal === 'visible') {
        const onChange = () => document.visibilityState === 'visible' && callback();
        document.addEventListener('visibilitychange', onChange);
        // A page restored from the back/forward cache is visible again without a visibilitychange.
        window.addEventListener('pageshow', onChange);
        return () => {
          document.removeEventListener('visibilitychange', onChange);
          window.removeEventListener('pageshow', onChange);
        };
      }
      window.addEventListener(signal, callback);
      return () => window.removeEventListener(signal, callback);
    },
    // The global reportError logs like an uncaught exception and fires window `error`.
    reportError: (error) => (typeof reportError === 'function' ? reportError(error) : console.error(error)),
  };
}
