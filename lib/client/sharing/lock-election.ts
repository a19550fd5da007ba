import type { TabLocks } from './tab-env';

/**
 * Leader election with the Web Locks API: every tab asks for one exclusive lock; the browser
 * grants it to one tab at a time and queues the others. The holder keeps it for as long as it
 * leads (the lock callback's promise stays pending). When that tab closes, crashes or is
 * discarded, the browser releases the lock and grants it to the next tab in the queue at once:
 * no timeout to wait for, which is why this is the preferred mode.
 *
 * Borrowed from @flamefrontend/sse-runtime (one connection per browser via Web Locks +
 * BroadcastChannel, per-tab fallback when the APIs are missing); see docs/tab-sharing.md.
 */

export interface LockElectionHooks {
  /** The lock was granted: this tab leads until `release()`. */
  onGranted(): void;
  /** Another tab holds the lock: this tab follows, and waits in the queue. */
  onQueued(): void;
  /** The lock manager refused (a SecurityError in an opaque origin…): use another election. */
  onBroken(error: unknown): void;
}

export interface LockElection {
  /** Becomes a candidate: leads now if the lock is free, else queues for it. */
  join(): void;
  /** Gives the lock back (if held) and leaves the queue. `join()` makes it a candidate again. */
  leave(): void;
  readonly holding: boolean;
}

export function createLockElection(locks: TabLocks, name: string, hooks: LockElectionHooks): LockElection {
  /** Bumped by `leave()`, so a grant that lands after it is handed straight back. */
  let generation = 0;
  let release: (() => void) | null = null;
  let abort: AbortController | null = null;

  const hold = (gen: number) => {
    if (gen !== generation) return Promise.resolve();
    return new Promise<void>((resolve) => {
      release = resolve;
      hooks.onGranted();
    });
  };

  const fail = (gen: number) => (error: unknown) => {
    // Our own abort of a queued request is not a failure.
    if (gen !== generation || (error instanceof Error && error.name === 'AbortError')) return;
    hooks.onBroken(error);
  };

  return {
    get holding() {
      return release !== null;
    },
    join() {
      if (release !== null || abort !== null) return;
      const gen = generation;
      const controller = new AbortController();
      abort = controller;
      // First ask without waiting, so a tab learns at once that it is a follower.
      locks
        .request<'taken' | void>(name, { mode: 'exclusive', ifAvailable: true }, (lock) => (lock ? hold(gen) : 'taken'))
        .then((result) => {
          if (result !== 'taken' || gen !== generation) return;
          hooks.onQueued();
          return locks.request(name, { mode: 'exclusive', signal: controller.signal }, () => hold(gen));
        })
        .catch(fail(gen));
    },
    leave() {
      generation += 1;
      abort?.abort();
      abort = null;
      const held = release;
      release = null;
      held?.();
    },
  };
}
