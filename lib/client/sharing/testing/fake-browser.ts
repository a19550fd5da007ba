import { createFakeClock, type FakeClock } from '../../testing/fake-clock';
import type { TabChannel, TabEnv, TabLocks } from '../tab-env';

/**
 * Test-only: one browser profile hosting several tabs, driven by hand. Time moves only on
 * `advance()` (the shared fake clock, ../../testing/fake-clock.ts); BroadcastChannel messages are structured-cloned and delivered as tasks in post
 * order (not to the sender); Web Locks are granted one holder at a time, in request order, and
 * released by the browser when the holding tab closes or crashes, as real browsers do.
 */

export interface FakeTabOptions {
  /** Whether this browser has the Web Locks API. Default true. */
  locks?: boolean;
  /** Whether BroadcastChannel works for this tab. Default true. */
  channel?: boolean;
}

interface LockRequest {
  tab: string;
  grant: () => void;
}

interface FakeChannel {
  tab: string;
  name: string;
  listener: ((data: unknown) => void) | null;
  closed: boolean;
}

export interface FakeTab {
  readonly name: string;
  readonly env: TabEnv;
  /** Closed or crashed: its timers, channels and locks are gone. */
  readonly gone: boolean;
}

/** `clock`: share one with other fakes (a fake server's, the tabs' connections). Default a fresh one. */
export function createFakeBrowser(clock: FakeClock = createFakeClock(1_700_000_000_000)) {
  let ids = 0;
  const channels: FakeChannel[] = [];
  const held = new Map<string, string>();
  const queues = new Map<string, LockRequest[]>();
  const gone = new Set<string>();
  /** Tabs whose messages are dropped both ways (a partition; used to force two leaders). */
  const cutOff = new Set<string>();
  /** Tabs starved of CPU: until when they run nothing (see `stall`). */
  const stalledUntil = new Map<string, number>();

  const schedule = (tab: string, ms: number, run: () => void) =>
    clock.setTimeout(run, Math.max(ms, (stalledUntil.get(tab) ?? 0) - clock.now()), tab);

  const grantNext = (name: string) => {
    if (held.has(name)) return;
    const next = queues.get(name)?.shift();
    next?.grant();
  };

  const release = (name: string, tab: string) => {
    if (held.get(name) !== tab) return;
    held.delete(name);
    grantNext(name);
  };

  const locksFor = (tab: string): TabLocks => ({
    request<T>(
      name: string,
      options: { mode: 'exclusive'; ifAvailable?: boolean; signal?: AbortSignal },
      callback: (lock: { name: string } | null) => Promise<T> | T,
    ): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const grant = () => {
          held.set(name, tab);
          // Like the real API, the callback runs as a task after the grant, not synchronously.
          queueMicrotask(() => {
            if (gone.has(tab)) return release(name, tab);
            Promise.resolve(callback({ name }))
              .then(resolve, reject)
              .finally(() => release(name, tab));
          });
        };
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        if (!held.has(name) && queue.length === 0) return grant();
        if (options.ifAvailable) {
          queueMicrotask(() => void Promise.resolve(callback(null)).then(resolve, reject));
          return;
        }
        const request: LockRequest = { tab, grant };
        queue.push(request);
        options.signal?.addEventListener('abort', () => {
          const index = queue.indexOf(request);
          if (index < 0) return;
          queue.splice(index, 1);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    },
  });

  const channelFor = (tab: string, name: string): TabChannel => {
    const self: FakeChannel = { tab, name, listener: null, closed: false };
    channels.push(self);
    return {
      postMessage(message) {
        if (self.closed) throw new DOMException('closed', 'InvalidStateError');
        if (cutOff.has(tab)) return;
        const data = structuredClone(message);
        for (const other of channels) {
          if (other === self || other.closed || other.name !== name || cutOff.has(other.tab)) continue;
          schedule(other.tab, 0, () => !other.closed && other.listener?.(structuredClone(data)));
        }
      },
      listen(onData) {
        self.listener = onData;
      },
      close() {
        self.closed = true;
      },
    };
  };

  const tabs: FakeTab[] = [];

  const browser = {
    tabs,
    clock,
    get now() {
      return clock.now();
    },
    /** A tab with its own env. Its `randomId()` yields its name first. */
    openTab(options: FakeTabOptions = {}): FakeTab {
      const name = `t${String(++ids).padStart(3, '0')}`;
      let first = true;
      const env: TabEnv = {
        locks: options.locks === false ? null : locksFor(name),
        createChannel: (channelName) => (options.channel === false ? null : channelFor(name, channelName)),
        now: clock.now,
        setTimeout: (run, ms) => schedule(name, ms, run),
        clearTimeout: (handle) => clock.clearTimeout(handle),
        randomId: () => {
          if (first) {
            first = false;
            return name;
          }
          return `${name}-r${++ids}`;
        },
      };
      const tab: FakeTab = {
        name,
        env,
        get gone() {
          return gone.has(name);
        },
      };
      tabs.push(tab);
      return tab;
    },
    /** The tab dies without running any code: no goodbye, its locks released by the browser. */
    crash(tab: FakeTab) {
      gone.add(tab.name);
      clock.clearOwner(tab.name);
      for (const channel of channels) if (channel.tab === tab.name) channel.closed = true;
      for (const queue of queues.values()) {
        for (let i = queue.length - 1; i >= 0; i -= 1) if (queue[i]?.tab === tab.name) queue.splice(i, 1);
      }
      for (const [name, holder] of [...held]) if (holder === tab.name) release(name, tab.name);
    },
    /**
     * `tab` is starved of CPU for `ms` (a busy machine, a long task): none of its timers and
     * none of the messages sent to it run until then, and then its timers run first, before
     * any message that waited (the order that makes a deadline look missed). Its stream's
     * events, which the tests deliver directly, still arrive.
     */
    stall(tab: FakeTab, ms: number) {
      // A stall within a stall ends no earlier: what waits keeps its order.
      const until = Math.max(clock.now() + ms, stalledUntil.get(tab.name) ?? 0);
      stalledUntil.set(tab.name, until);
      clock.defer(tab.name, until);
    },
    /** Drops every message to and from `tab` until `heal()`. */
    partition(tab: FakeTab) {
      cutOff.add(tab.name);
    },
    heal(tab: FakeTab) {
      cutOff.delete(tab.name);
    },
    /** Posts raw data on a channel as if from another tab (malformed-message tests). */
    inject(channelName: string, data: unknown) {
      for (const channel of channels) {
        if (channel.name === channelName && !channel.closed) {
          schedule(channel.tab, 0, () => !channel.closed && channel.listener?.(data));
        }
      }
    },
    lockHolder: (name: string) => held.get(name) ?? null,
    /** Runs due timers and message deliveries in order, letting promises settle in between. */
    advance: (ms: number) => clock.advance(ms),
    /** Delivers everything due now. */
    settle: () => browser.advance(0),
  };
  return browser;
}

export type FakeBrowser = ReturnType<typeof createFakeBrowser>;
