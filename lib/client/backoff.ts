/**
 * Reconnection delays: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"): delay = random(0, min(cap, base · 2^attempt)).
 *
 * Full jitter spreads a crowd of clients that lost the same server over the whole window, so
 * they do not come back in lockstep and knock it over again.
 */

export interface BackoffOptions {
  /** First window, normally the server's `retry:`. Default 1000 ms. */
  baseMs?: number;
  /** Largest window. Default 30000 ms. */
  capMs?: number;
  /** Defaults to `Math.random`; injected by tests. */
  random?: () => number;
}

export interface Backoff {
  /** The next delay, and one more attempt counted. */
  next(): number;
  /** Attempts since the last reset. */
  readonly attempt: number;
  /** After a healthy stream: start again from the base. */
  reset(): void;
  /** Adopt the server's `retry:` as the base. */
  setBase(ms: number): void;
}

const DEFAULT_BACKOFF_BASE_MS = 1000;
const DEFAULT_BACKOFF_CAP_MS = 30_000;

export function createBackoff(options: BackoffOptions = {}): Backoff {
  let base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const random = options.random ?? Math.random;
  let attempt = 0;
  return {
    next() {
      // 2^attempt overflows nothing here: the cap bounds the window long before.
      const window = Math.min(cap, base * 2 ** Math.min(attempt, 30));
      attempt += 1;
      return Math.round(random() * window);
    },
    get attempt() {
      return attempt;
    },
    reset() {
      attempt = 0;
    },
    setBase(ms) {
      if (Number.isFinite(ms) && ms >= 0) base = Math.max(100, ms);
    },
  };
}
