import 'server-only';

/**
 * A token bucket per client: `capacity` requests at once, refilled at `perSecond`. Used for the
 * expensive answers (building a snapshot, for `/api/snapshot` and for a `reset`), so a client
 * that loops on bad cursors or reloads cannot make the server build snapshots without limit.
 * `take()` answers how long to wait when empty, for `Retry-After`.
 *
 * Idle buckets are swept when the map grows past `maxClients`, so memory stays bounded.
 */
export interface RateLimiterOptions {
  /** Burst size. */
  capacity: number;
  /** Refill rate, tokens per second. */
  perSecond: number;
  /** Sweep full buckets past this many clients. Default 10000. */
  maxClients?: number;
  now?: () => number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;
  readonly #maxClients: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.#now = options.now ?? Date.now;
    this.#maxClients = options.maxClients ?? 10_000;
  }

  take(key: string): TakeResult {
    const { capacity, perSecond } = this.options;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxClients) this.#sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / perSecond) * 1000) };
  }

  #sweep(now: number): void {
    const { capacity, perSecond } = this.options;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * perSecond >= capacity) this.#buckets.delete(key);
    }
  }
}
