import 'server-only';

/**
 * Sessions signed out before they expired. A signed token cannot be recalled, so sign-out
 * records its session id until the token would have expired anyway; every check consults it.
 *
 * Per process: with several instances behind nginx, a fork keeps this in Redis (a key per session
 * id with the same TTL) so a sign-out on one instance is seen by all. Bounded by `max` entries
 * (the oldest are forgotten first) so a flood of sign-outs cannot grow memory without limit.
 */
export class Revocations {
  readonly #until = new Map<string, number>();

  constructor(private readonly max = 100_000) {}

  revoke(sessionId: string, until: number): void {
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
