/**
 * Reconnection delays: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"): delay = random(0, min(cap, base · 2^attempt)).
 *
 * Full jitter spreads a crowd of clients that lost the same server over the whole window, so
 * they do not come back in lockstep and knock it over again.
 *
 * An early cap keeps the first attempts of an outage close together: most outages are short (a
 * deploy, a restart, a blip), and a window that has already grown to 16 s makes a user stare at
 * "Reconnecting" long after the server is back. For the first `earlyAttempts` attempts (about
 * 20 s of outage) the window is at most `earlyCapMs` (or the base, when the server's `retry:` is
 * larger: a server shedding load is not asked again sooner than it said); then it grows to
 * `capMs` for long outages.
 * backoff.test.ts bounds the return time over simulated outages of the policy itself, and
 * `npm run bench -- recovery` measures it on the real connection manager (the figures, and the
 * alternatives weighed, are in docs/performance.md).
 */

export interface BackoffOptions {
  /** First window, normally the server's `retry:`. Default 1000 ms. */
  baseMs?: number;
  /** Largest window. Default 30000 ms. */
  capMs?: number;
  /** Largest window during the first `earlyAttempts` attempts, unless the base is larger. Default 4000 ms. */
  earlyCapMs?: number;
  /** How many attempts the early cap applies to. Default 10. */
  earlyAttempts?: number;
  /** Defaults to `Math.random`; injected by tests. */
  random?: () => number;
}

export interface Backoff {
  /** The next delay, and one more attempt counted. */
  next(): number;
  /** Attempts since the last reset. */
  readonly attempt: number;
  /** The current base (the server's `retry:`): also the floor of a server's `Retry-After`. */
  readonly baseMs: number;
  /** The largest delay this backoff ever gives: also the cap of a server's `Retry-After`. */
  readonly capMs: number;
  /** After a healthy stream: start again from the base. */
  reset(): void;
  /** Adopt the server's `retry:` as the base. */
  setBase(ms: number): void;
}

const DEFAULT_BACKOFF_BASE_MS = 1000;
const DEFAULT_BACKOFF_CAP_MS = 30_000;
const DEFAULT_EARLY_CAP_MS = 4000;
const DEFAULT_EARLY_ATTEMPTS = 10;
/** setTimeout fires at once for delays above 2^31 − 1 ms: no delay may exceed it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function createBackoff(options: BackoffOptions = {}): Backoff {
  let base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = Math.min(options.capMs ?? DEFAULT_BACKOFF_CAP_MS, MAX_TIMER_MS);
  const earlyCap = Math.min(cap, options.earlyCapMs ?? DEFAULT_EARLY_CAP_MS);
  const earlyAttempts = options.earlyAttempts ?? DEFAULT_EARLY_ATTEMPTS;
  const random = options.random ?? Math.random;
  let attempt = 0;
  return {
    next() {
      // 2^attempt overflows nothing here: the cap bounds the window long before. The early cap
      // keeps a short outage's attempts close together; it must not make a client come back
      // sooner than the server's `retry:` asks (a server shedding load sets it above 4 s).
      const limit = attempt < earlyAttempts ? Math.min(cap, Math.max(earlyCap, base)) : cap;
      const window = Math.min(limit, Math.max(base, base * 2 ** Math.min(attempt, 30)));
      attempt += 1;
      return Math.round(random() * window);
    },
    get attempt() {
      return attempt;
    },
    get baseMs() {
      return base;
    },
    get capMs() {
      return cap;
    },
    reset() {
      attempt = 0;
    },
    setBase(ms) {
      if (Number.isFinite(ms) && ms >= 0) base = Math.max(100, ms);
    },
  };
}
