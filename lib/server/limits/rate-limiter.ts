import 'server-only';

/**
 * A token bucket per client: `capacity` requests at once, refilled at `perSecond`. Used for the
 * expensive answers (building a snapshot, for `/api/snapshot` and for a `reset`), so a client
 * that loops on bad cursors or reloads cannot make the server build snapshots without limit,
 * and for sign-in, sign-out and renewal (auth-limits.ts).
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
    const now = this.#now();
    const bucket = this.#refilled(key, now);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxClients) this.#sweep(now);
    if (bucket.tokens < 1) return this.#wait(bucket.tokens);
    bucket.tokens -= 1;
    return { ok: true };
  }

  /** What `take` would answer now, taking nothing (to check several budgets before spending any). */
  peek(key: string): TakeResult {
    const { tokens } = this.#refilled(key, this.#now());
    return tokens >= 1 ? { ok: true } : this.#wait(tokens);
  }

  #refilled(key: string, now: number): { tokens: number; at: number } {
    const { capacity, perSecond } = this.options;
    const bucket = this.#buckets.get(key);
    if (!bucket) return { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    return bucket;
  }

  #wait(tokens: number): TakeResult {
    return { ok: false, retryAfterMs: Math.ceil(((1 - tokens) / this.options.perSecond) * 1000) };
  }

  #sweep(now: number): void {
    const { capacity, perSecond } = this.options;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * perSecond >= capacity) this.#buckets.delete(key);
    }
  }
}
