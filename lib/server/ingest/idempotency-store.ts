import 'server-only';

/**
 * The memory bus's record of applied `Idempotency-Key`s (the Redis bus keeps them in Redis):
 * each key with the fingerprint of its body and how many points it applied, for `ttlMs`.
 * Entries expire in insertion order (one TTL for all), so forgetting is a walk from the front.
 */

export interface AppliedKey {
  fingerprint: string;
  accepted: number;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, AppliedKey & { expiresAt: number }>();

  constructor(
    /** How long a key is remembered (`INGEST_KEY_TTL_MS`). */
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): AppliedKey | undefined {
    this.forgetExpired();
    const entry = this.entries.get(key);
    return entry && { fingerprint: entry.fingerprint, accepted: entry.accepted };
  }

  remember(key: string, applied: AppliedKey): void {
    this.forgetExpired();
    this.entries.set(key, { ...applied, expiresAt: this.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}
