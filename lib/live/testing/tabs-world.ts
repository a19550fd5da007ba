import type { ConnectionEnv } from '@/lib/client/connection-env';
import type { ConnectionState } from '@/lib/client/connection-status';
import type { LifecycleSignal } from '@/lib/client/lifecycle-signals';
import { refreshSession } from '@/lib/client/session-renewal';
import { createSharedSource, type SharedSource } from '@/lib/client/sharing/shared-source';
import { createFakeBrowser, type FakeTab, type FakeTabOptions } from '@/lib/client/sharing/testing/fake-browser';
import type { TabRole } from '@/lib/client/tab-role';
import { createFakeClock } from '@/lib/client/testing/fake-clock';
import { createFakeSseServer, FEED, type FakeSseServer } from '@/lib/client/testing/fake-sse-server';
import { createLive, type Live } from '../live';

/**
 * Test-only: several tabs of one browser, each running the real code of a page (the shared
 * source, its ConnectionManager and renewal, the binding, the stores), against a fake server
 * that speaks the wire contract. Fakes are only what a browser and a server provide: the clock,
 * BroadcastChannel, Web Locks, the page lifecycle and `fetch` (fake-browser.ts,
 * fake-sse-server.ts, one fake clock). Property tests ask it what a user would see.
 */

export interface WorldTab {
  readonly fake: FakeTab;
  readonly live: Live;
  readonly source: SharedSource;
  /** The page's lifecycle signals (freeze, resume, pagehide, pageshow, check). */
  lifecycle(signal: LifecycleSignal): void;
  /** Its first paint's seq and time: what it knows before any event. */
  readonly renderedAt: { epoch: string; seq: number };
  /** Resigned (frozen, in the back/forward cache) until it wakes. */
  resigned: boolean;
  partitioned: boolean;
}

/**
 * `options`: each tab's browser (Web Locks or not). `sharing`: the tabs' sharing options.
 * `feeds`: what every tick of the server publishes, one event each. Default one feed, `FEED`.
 */
export function createTabsWorld(
  options: FakeTabOptions = {},
  sharing: { heartbeatMs?: number } = {},
  feeds: readonly string[] = [FEED],
) {
  const clock = createFakeClock(1_700_000_000_000);
  const browser = createFakeBrowser(clock);
  const server: FakeSseServer = createFakeSseServer({ clock, feeds });
  const open: WorldTab[] = [];
  const errors: unknown[] = [];

  function openTab(): WorldTab {
    const fake = browser.openTab(options);
    const owner = fake.name;
    const fetch = server.fetchFor(owner);
    const connectionEnv: ConnectionEnv = {
      fetch,
      setTimeout: (run, ms) => clock.setTimeout(run, ms, owner),
      clearTimeout: (handle) => clock.clearTimeout(handle),
      now: clock.now,
      random: () => 0.5,
      isOnline: () => true,
      listen: () => () => {},
      reportError: (error) => errors.push(error),
    };
    let onLifecycle: (signal: LifecycleSignal) => void = () => {};
    const source = createSharedSource({
      connectionEnv,
      tabEnv: fake.env,
      sharing,
      renewSession: refreshSession(fetch),
      watchLifecycle: (onSignal) => {
        onLifecycle = onSignal;
        return () => (onLifecycle = () => {});
      },
    });
    const renderedAt = { epoch: server.epoch, seq: server.head };
    const live = createLive({
      source,
      feeds,
      snapshot: server.snapshot(),
      env: connectionEnv,
      // A frame: the timer fallback of a hidden tab's requestAnimationFrame, on the tab's clock.
      scheduleFrame: (callback) => void clock.setTimeout(callback, 16, owner),
    });
    live.retain();
    const tab: WorldTab = {
      fake,
      live,
      source,
      renderedAt,
      lifecycle: (signal) => onLifecycle(signal),
      resigned: false,
      partitioned: false,
    };
    open.push(tab);
    return tab;
  }

  const remove = (tab: WorldTab) => {
    const index = open.indexOf(tab);
    if (index >= 0) open.splice(index, 1);
  };
  /** The page goes away (pagehide, not kept): it says goodbye, and its stream closes. */
  const close = (tab: WorldTab) => {
    tab.lifecycle({ kind: 'suspend', cause: 'pagehide', persisted: false });
    tab.source.stop();
    browser.crash(tab.fake);
    remove(tab);
  };

  return {
    clock,
    browser,
    server,
    open,
    /** What the pages reported as bugs of their own (must stay empty). */
    errors,
    openTab,
    close,
    /** The page dies without running any code: no goodbye; the browser frees its lock and sockets. */
    crash(tab: WorldTab) {
      browser.crash(tab.fake);
      // Its channel is closed already: stopping sends nothing, it only ends the stream.
      tab.source.stop();
      server.dropOwner(tab.fake.name);
      remove(tab);
    },
    freeze(tab: WorldTab) {
      tab.lifecycle({ kind: 'suspend', cause: 'freeze', persisted: false });
      tab.resigned = true;
    },
    resume(tab: WorldTab) {
      tab.lifecycle({ kind: 'wake', cause: 'resume' });
      tab.resigned = false;
    },
    partition(tab: WorldTab) {
      browser.partition(tab.fake);
      tab.partitioned = true;
    },
    heal(tab: WorldTab) {
      browser.heal(tab.fake);
      tab.partitioned = false;
    },
    /** The user signs in again in `tab`: the sign-in form lands on a freshly loaded page. */
    signInAt(tab: WorldTab): WorldTab {
      server.signIn();
      close(tab);
      return openTab();
    },
    role: (tab: WorldTab): TabRole => tab.source.sharing()?.role() ?? 'closed',
    shows: (tab: WorldTab): ConnectionState => tab.live.status.getState().connection.state,
    leaders(): WorldTab[] {
      return open.filter((tab) => tab.source.sharing()?.role() === 'leader');
    },
    /** The tab `tab` follows, if it is open. */
    leaderOf(tab: WorldTab): WorldTab | null {
      const id = tab.live.status.getState().sharing.leaderId;
      return open.find((other) => other !== tab && other.source.sharing()?.id === id) ?? null;
    },
  };
}

export type TabsWorld = ReturnType<typeof createTabsWorld>;

/**
 * What a tab's chart holds, compared with the server's log: the times of every point, in order,
 * each once. Returns what is wrong (empty when it matches), so a failure says what a user would
 * see: a missing point, one drawn twice, or points out of order.
 *
 * `expected`: the times the chart must hold, oldest first (the server's log from the tab's
 * first paint on; across restarts, each epoch's log in turn).
 */
export function chartMismatch(actual: readonly number[], expected: readonly number[]): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  actual.forEach((ts, i) => {
    if (seen.has(ts)) problems.push(`point at ${ts} drawn twice`);
    seen.add(ts);
    const before = actual[i - 1];
    if (before !== undefined && ts < before) problems.push(`point at ${ts} drawn after ${before}`);
  });
  const want = new Set(expected);
  for (const ts of expected) if (!seen.has(ts)) problems.push(`point at ${ts} missing`);
  for (const ts of seen) if (!want.has(ts)) problems.push(`point at ${ts} never sent`);
  return problems;
}
