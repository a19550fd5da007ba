import 'server-only';

/**
 * Open streams per client, so one client cannot take every slot of the global cap. `acquire`
 * returns a release function (idempotent) or null when the client is at its limit; the caller
 * answers 429 then. Entries are removed at zero, so memory follows open streams, not history.
 */
export class ClientStreamCounter {
  readonly #open = new Map<string, number>();

  constructor(readonly maxPerClient: number) {}

  acquire(key: string): (() => void) | null {
    const current = this.#open.get(key) ?? 0;
    if (current >= this.maxPerClient) return null;
    this.#open.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left <= 0) this.#open.delete(key);
      else this.#open.set(key, left);
    };
  }

  count(key: string): number {
    return this.#open.get(key) ?? 0;
  }

  get clients(): number {
    return this.#open.size;
  }
}
