import 'server-only';

/**
 * Sessions signed out before they expired. A signed token cannot be recalled, so sign-out
 * records its session id until the token would have expired anyway; every check consults it.
 *
 * This is the process's own view, checked synchronously on every request. With Redis, the
 * instances share it (lib/server/redis/revocation-channel.ts): each sign-out here is announced
 * to the others (`onRevoke`), and theirs are `remember`ed here, so a session signed out on one
 * instance is refused, and its streams end, on all. Bounded by `max` entries (the oldest are
 * forgotten first) so a flood of sign-outs cannot grow memory without limit.
 */
export class Revocations {
  readonly #until = new Map<string, number>();
  readonly #listeners = new Set<(sessionId: string, until: number) => void>();

  constructor(private readonly max = 100_000) {}

  /** A sign-out on this instance: remembered, and told to every `onRevoke` listener. */
  revoke(sessionId: string, until: number): void {
    this.remember(sessionId, until);
    this.#listeners.forEach((listener) => listener(sessionId, until));
  }

  /** Calls `listener` on each sign-out on this instance; returns the unsubscribe. */
  onRevoke(listener: (sessionId: string, until: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A revocation known from elsewhere (another instance): remembered, not announced again. */
  remember(sessionId: string, until: number): void {
    this.#until.delete(sessionId);
    this.#until.set(sessionId, until);
    while (this.#until.size > this.max) {
      const oldest = this.#until.keys().next().value;
      if (oldest === undefined) break;
      this.#until.delete(oldest);
    }
  }

  isRevoked(sessionId: string, now: number): boolean {
    const until = this.#until.get(sessionId);
    if (until === undefined) return false;
    if (until <= now) {
      this.#until.delete(sessionId);
      return false;
    }
    return true;
  }

  get size(): number {
    return this.#until.size;
  }
}
