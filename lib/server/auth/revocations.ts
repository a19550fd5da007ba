import 'server-only';

/**
 * Sessions signed out, and tokens replaced by a renewal, before they would have expired. A
 * signed token cannot be recalled, so its id is remembered here until no token it covers could
 * be used or renewed any more; every check consults it.
 *
 * Bounded by time, never by count: an entry is forgotten only when its time has come, however
 * many sign-outs follow it (forgetting the oldest first would let a flood of sign-outs push a
 * revoked session back to life). What keeps this small is that every entry has an end: a
 * session's end is its absolute lifetime (AUTH_SESSION_MAX_AGE_S) and a replaced token's its
 * renewal window, and sign-ins, sign-outs and renewals are rate-limited per client
 * (docs/auth.md gives the arithmetic). Expired entries are swept at most once a minute.
 *
 * An entry may start later than it is made (`from`): a renewal lets the token it replaces work
 * for a short grace, for requests already in flight.
 *
 * This is the process's own view, checked synchronously on every request. With Redis, the
 * instances share it (lib/server/redis/revocation-channel.ts): each revocation here is announced
 * to the others (`onRevoke`), and theirs are `remember`ed here.
 */

/** One revocation: refused from `from` (ms since 1970) until `until`. */
export interface Revocation {
  from: number;
  until: number;
}

export type RevokeListener = (id: string, revocation: Revocation) => void;

const SWEEP_EVERY_MS = 60_000;

export class Revocations {
  readonly #entries = new Map<string, Revocation>();
  readonly #listeners = new Set<RevokeListener>();
  readonly #now: () => number;
  #sweptAt: number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#sweptAt = now();
  }

  /** A revocation on this instance: remembered, and told to every `onRevoke` listener. `from` defaults to now. */
  revoke(id: string, until: number, from: number = this.#now()): void {
    const revocation = this.remember(id, until, from);
    this.#listeners.forEach((listener) => listener(id, revocation));
  }

  /** Calls `listener` on each revocation made on this instance; returns the unsubscribe. */
  onRevoke(listener: RevokeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A revocation known from elsewhere (another instance), or made here: remembered, not
   * announced. Merged with what is already known of the id: the earliest start, the latest end.
   */
  remember(id: string, until: number, from: number = this.#now()): Revocation {
    const known = this.#entries.get(id);
    const revocation = known
      ? { from: Math.min(known.from, from), until: Math.max(known.until, until) }
      : { from, until };
    this.#entries.set(id, revocation);
    this.#sweepIfDue();
    return revocation;
  }

  isRevoked(id: string, now: number): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    if (entry.until <= now) {
      this.#entries.delete(id);
      return false;
    }
    return entry.from <= now;
  }

  get size(): number {
    return this.#entries.size;
  }

  #sweepIfDue(): void {
    const now = this.#now();
    if (now - this.#sweptAt < SWEEP_EVERY_MS) return;
    this.#sweptAt = now;
    for (const [id, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(id);
  }
}
