/**
 * Test-only: the one hand-driven clock of the client's tests (the connection's fake world, the
 * fake browser of tab sharing, the lifecycle signals, the leader watch). Time moves only when a
 * test says so. Due timers fire in order of their due time, then of when they were set; each
 * fires at its due time, or late, at the current time, after a `jump` (a page that slept, or a
 * hidden tab's throttled timers).
 */

export interface FakeTimer {
  /** When it is due (`defer` may move it later). */
  at: number;
  readonly order: number;
  readonly run: () => void;
  /** Who set it (a tab of the fake browser): `clearOwner` drops them all when it crashes. */
  readonly owner: string | null;
}

/** Lets pending promise callbacks (stream reads, lock grants, fetch answers) run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface FakeClock {
  now: () => number;
  setTimeout: (run: () => void, ms: number, owner?: string | null) => FakeTimer;
  clearTimeout: (handle: unknown) => void;
  /** Moves the clock by `ms`, firing due timers in order and letting promises settle after each. */
  advance: (ms: number) => Promise<void>;
  /** The same for code without promises: a synchronous test stays synchronous. */
  advanceSync: (ms: number) => void;
  /** Moves the clock without firing anything: timers that came due fire late, on the next advance. */
  jump: (ms: number) => void;
  /** Timers set and not yet fired or cleared (of one owner, when given). */
  pending: (owner?: string) => number;
  /** Drops every timer of `owner`. */
  clearOwner: (owner: string) => void;
  /** Moves every timer of `owner` due before `until` to `until`, keeping their order (a starved tab). */
  defer: (owner: string, until: number) => void;
}

/** `start`: the clock's first reading. Default 1_000_000 (ms). */
export function createFakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let order = 0;
  const timers = new Set<FakeTimer>();

  const due = (until: number): FakeTimer | undefined => {
    let next: FakeTimer | undefined;
    for (const timer of timers) {
      if (timer.at > until) continue;
      if (!next || timer.at < next.at || (timer.at === next.at && timer.order < next.order)) next = timer;
    }
    return next;
  };
  const fire = (timer: FakeTimer) => {
    timers.delete(timer);
    now = Math.max(now, timer.at);
    timer.run();
  };

  return {
    now: () => now,
    setTimeout(run, ms, owner = null) {
      const timer = { at: now + Math.max(0, ms), order: order++, run, owner };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers.delete(handle as FakeTimer);
    },
    async advance(ms) {
      const until = now + ms;
      await flush();
      for (let timer = due(until); timer; timer = due(until)) {
        fire(timer);
        await flush();
      }
      now = Math.max(now, until);
      await flush();
    },
    advanceSync(ms) {
      const until = now + ms;
      for (let timer = due(until); timer; timer = due(until)) fire(timer);
      now = Math.max(now, until);
    },
    jump(ms) {
      now += ms;
    },
    pending: (owner) => [...timers].filter((timer) => owner === undefined || timer.owner === owner).length,
    clearOwner(owner) {
      for (const timer of timers) if (timer.owner === owner) timers.delete(timer);
    },
    defer(owner, until) {
      for (const timer of timers) if (timer.owner === owner && timer.at < until) timer.at = until;
    },
  };
}
