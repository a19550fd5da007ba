/**
 * What tab sharing needs from the browser, injected like the connection's `ConnectionEnv`: tests
 * host several tabs in one fake browser (testing/fake-browser.ts) instead of mocking globals.
 *
 * Each capability may be missing, and each absence has a fallback (see docs/tab-sharing.md):
 * no `locks` → leader election by a lease over the channel; no channel → this tab runs solo.
 */

/** The part of `navigator.locks` (Web Locks API) we use. */
export interface TabLocks {
  /**
   * Runs `callback` once the exclusive lock `name` is granted; the lock is held until the promise
   * it returns settles. `ifAvailable`: call back with `null` at once instead of waiting.
   * `signal`: abort a request still waiting in the queue.
   */
  request<T>(
    name: string,
    options: { mode: 'exclusive'; ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: { name: string } | null) => Promise<T> | T,
  ): Promise<T>;
}

/** One `BroadcastChannel`: delivers to every other tab of this profile and origin, not to itself. */
export interface TabChannel {
  postMessage(message: unknown): void;
  /** `onData(undefined)` reports a message that could not even be deserialised (`messageerror`). */
  listen(onData: (data: unknown) => void): void;
  close(): void;
}

export interface TabEnv {
  /** `navigator.locks`, or null where the Web Locks API is missing (old browsers, insecure origins). */
  locks: TabLocks | null;
  /** A channel per name, or null where `BroadcastChannel` is missing or refused (partitioned storage). */
  createChannel: (name: string) => TabChannel | null;
  /** Wall-clock ms. Not `performance.now()`: its origin differs per tab, and times cross tabs here. */
  now: () => number;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** A unique id for this tab (also the tie-break between two claims: the smaller id wins). */
  randomId: () => string;
}

/** The real browser. Every capability is probed, and a throw counts as "missing". */
export function browserTabEnv(): TabEnv {
  const locks = typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
  return {
    locks: locks && {
      request: (name, options, callback) => locks.request(name, options, callback),
    },
    createChannel(name) {
      if (typeof BroadcastChannel === 'undefined') return null;
      try {
        const channel = new BroadcastChannel(name);
        return {
          postMessage: (message) => channel.postMessage(message),
          listen(onData) {
            channel.onmessage = (event) => onData(event.data);
            channel.onmessageerror = () => onData(undefined);
          },
          close: () => channel.close(),
        };
      } catch {
        // Opaque origins and some sandboxed frames throw a SecurityError here.
        return null;
      }
    },
    now: () => Date.now(),
    // globalThis, not window: the same code then runs under Node 24, which has BroadcastChannel
    // and navigator.locks too (tab-env.test.ts drives the real APIs there).
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
    randomId: () =>
      typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
        ? crypto.randomUUID()
        : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`,
  };
}
