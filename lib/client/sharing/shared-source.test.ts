import { describe, expect, it } from 'vitest';
import type { ConnectionEnv } from '../connection-env';
import { initialStatus, type ConnectionState, type ConnectionStatus } from '../connection-status';
import type { LifecycleSignal } from '../lifecycle-signals';
import type { OwnStream, ReconnectIntent, SharedStreamListener, StreamListener } from '../stream-source';
import { createSharedSource } from './shared-source';
import { createFakeBrowser, type FakeBrowser } from './testing/fake-browser';
import type { RoleChange, TabRole } from './types';
import { FEED_A } from '@/lib/testing/catalogue';

/**
 * The shared source alone: real tab sharing in a fake browser, a recording listener instead of
 * the binding and stores, and a fake for the stream a leading tab opens. (lib/live/shared-tabs.test.ts
 * runs the same source with the real binding and stores.)
 */

class FakeStream implements OwnStream {
  listener: StreamListener | null = null;
  readonly intents: ReconnectIntent[] = [];
  readonly checks: string[] = [];
  private status: ConnectionStatus = initialStatus(0);
  start(listener: StreamListener) {
    this.listener = listener;
    // As a ConnectionManager does: its first status at once.
    listener.onStatus(this.status, null);
  }
  /** The stream's connection moves to `state`. */
  become(state: ConnectionState, at: number, patch: Partial<ConnectionStatus> = {}) {
    const from = this.status.state;
    this.status = { ...this.status, state, reason: state, since: at, failure: null, ...patch };
    this.listener?.onStatus(this.status, { from, to: state, reason: state, at });
  }
  stop() {
    this.listener = null;
  }
  reconnectNow(intent: ReconnectIntent) {
    this.intents.push(intent);
  }
  checkNow(reason: string) {
    this.checks.push(reason);
  }
}

function recordingListener(roles: RoleChange[], statuses: ConnectionStatus[]): SharedStreamListener {
  const nothing = () => {};
  return {
    resumeCursor: () => null,
    flush: nothing,
    onHello: nothing,
    onMetric: nothing,
    onReset: nothing,
    onStatus: (status) => void statuses.push(status),
    onRecovered: nothing,
    onProtocolError: nothing,
    onSnapshot: nothing,
    onClockOffset: nothing,
    onSharing: (change) => void roles.push(change),
  };
}

function openTab(browser: FakeBrowser, options: { channel?: boolean } = {}) {
  const fake = browser.openTab(options);
  const streams: FakeStream[] = [];
  const roles: RoleChange[] = [];
  const statuses: ConnectionStatus[] = [];
  let lifecycle: (signal: LifecycleSignal) => void = () => {};
  const source = createSharedSource({
    connectionEnv: { now: fake.env.now, fetch: () => Promise.reject(new Error('offline')) } as Pick<
      ConnectionEnv,
      'now' | 'fetch'
    > as ConnectionEnv,
    tabEnv: fake.env,
    createStream: () => {
      const stream = new FakeStream();
      streams.push(stream);
      return stream;
    },
    watchLifecycle: (onSignal) => {
      lifecycle = onSignal;
      return () => {
        lifecycle = () => {};
      };
    },
  });
  source.start(recordingListener(roles, statuses));
  return {
    fake,
    source,
    streams,
    roles,
    /** The connection state this tab shows (the last status its listener got). */
    shows: (): ConnectionState | undefined => statuses.at(-1)?.state,
    role: (): TabRole | undefined => roles.at(-1)?.role,
    /** The stream this tab runs now, if any. */
    open: () => streams.find((stream) => stream.listener !== null) ?? null,
    lifecycle: (signal: LifecycleSignal) => lifecycle(signal),
  };
}

const freeze: LifecycleSignal = { kind: 'suspend', cause: 'freeze', persisted: false };
const resume: LifecycleSignal = { kind: 'wake', cause: 'resume' };

describe('createSharedSource()', () => {
  it('routes "Reconnect now" to the stream wherever it runs, and a follower\'s hole to a catch-up', async () => {
    const browser = createFakeBrowser();
    const [a, b] = [openTab(browser), openTab(browser)];
    await browser.advance(50);
    expect([a.role(), b.role()]).toEqual(['leader', 'follower']);

    b.source.reconnectNow({ kind: 'user' });
    a.source.reconnectNow({ kind: 'gap', feed: FEED_A });
    const catchUpsBefore = b.source.sharing()?.stats().catchUpsSent ?? 0;
    b.source.reconnectNow({ kind: 'gap', feed: FEED_A });
    await browser.advance(50);
    expect(a.open()?.intents).toEqual([{ kind: 'gap', feed: FEED_A }, { kind: 'user' }]);
    expect(b.source.sharing()?.stats().catchUpsSent).toBe(catchUpsBefore + 1);
    expect(b.streams).toHaveLength(0);
  });

  it('a frozen leader resigns: its stream stops and another tab leads; on resume it follows', async () => {
    const browser = createFakeBrowser();
    const [a, b] = [openTab(browser), openTab(browser)];
    await browser.advance(50);
    expect(a.open()).not.toBeNull();

    a.lifecycle(freeze);
    await browser.advance(50);
    expect(a.open()).toBeNull();
    expect(a.roles.at(-1)?.reason).toMatch(/resigned/);
    expect(b.role()).toBe('leader');
    expect(b.open()).not.toBeNull();

    a.lifecycle(resume);
    await browser.advance(50);
    expect(a.role()).toBe('follower');
    expect(a.roles.at(-1)?.leaderId).toBe(b.source.sharing()?.id);
  });

  it('a page kept in the back/forward cache resigns and rejoins; one going away for good closes', async () => {
    const browser = createFakeBrowser();
    const [a, b] = [openTab(browser), openTab(browser)];
    await browser.advance(50);

    a.lifecycle({ kind: 'suspend', cause: 'pagehide', persisted: true });
    await browser.advance(50);
    expect(b.role()).toBe('leader');
    a.lifecycle({ kind: 'wake', cause: 'pageshow' });
    await browser.advance(50);
    expect(a.role()).toBe('follower');

    b.lifecycle({ kind: 'suspend', cause: 'pagehide', persisted: false });
    await browser.advance(50);
    expect(b.role()).toBe('closed');
    expect(b.open()).toBeNull();
    expect(a.role()).toBe('leader');
  });

  it('a solo tab (it cannot resign) stops its own stream on suspend and opens a fresh one on wake', async () => {
    const browser = createFakeBrowser();
    const lonely = openTab(browser, { channel: false });
    await browser.advance(50);
    expect(lonely.role()).toBe('solo');
    lonely.lifecycle(freeze);
    expect(lonely.open()).toBeNull();
    lonely.lifecycle(resume);
    expect(lonely.streams).toHaveLength(2);
    expect(lonely.open()).toBe(lonely.streams[1]);
  });

  it('a check after sleep reaches the stream of the tab that runs one', async () => {
    const browser = createFakeBrowser();
    const [a, b] = [openTab(browser), openTab(browser)];
    await browser.advance(50);
    const check: LifecycleSignal = { kind: 'check', cause: 'sleep', reason: 'woke from sleep', asleepSince: 0 };
    a.lifecycle(check);
    b.lifecycle(check);
    expect(a.open()?.checks).toEqual(['woke from sleep']);
    expect(b.streams).toHaveLength(0);
  });

  it('stop() closes the sharing (another tab takes over) and stops listening to the lifecycle', async () => {
    const browser = createFakeBrowser();
    const [a, b] = [openTab(browser), openTab(browser)];
    await browser.advance(50);
    a.source.stop();
    await browser.advance(50);
    expect(a.source.sharing()).toBeNull();
    expect(a.open()).toBeNull();
    expect(b.role()).toBe('leader');
    a.lifecycle(resume);
    expect(a.streams).toHaveLength(1);
  });

  /** A leads and is live, B follows; then A goes silent without a freeze event (it keeps its lock), and B streams solo. */
  async function leaderGoesSilent() {
    const browser = createFakeBrowser();
    const [a, b] = [openTab(browser), openTab(browser)];
    await browser.advance(50);
    a.open()?.become('live', browser.now);
    await browser.advance(50);
    expect(b.shows()).toBe('live');
    browser.partition(a.fake);
    await browser.advance(3000);
    expect(b.role()).toBe('solo');
    return { browser, a, b };
  }

  it('a solo tab that takes the lead keeps its stream, and tabs that join see its status', async () => {
    const { browser, a, b } = await leaderGoesSilent();
    b.open()?.become('live', browser.now);
    // A is discarded: the browser gives B the lock, and B keeps its running stream.
    browser.crash(a.fake);
    await browser.advance(50);
    expect(b.role()).toBe('leader');
    expect(b.streams).toHaveLength(1);

    const c = openTab(browser);
    await browser.advance(50);
    expect(c.role()).toBe('follower');
    expect(c.shows()).toBe('live');
  });

  it("a solo tab that follows again shows its leader's state, even the one it showed before", async () => {
    // B streams solo, and shows its own connection.
    const { browser, a, b } = await leaderGoesSilent();
    expect(b.shows()).toBe('connecting');

    // A answers again (still live): B follows it, stops its own stream, and shows A's state.
    browser.heal(a.fake);
    await browser.advance(1500);
    expect(b.role()).toBe('follower');
    expect(b.open()).toBeNull();
    expect(b.shows()).toBe('live');
  });

  it('a page that loads signed in revives a leader whose stream failed for auth before it loaded, once', async () => {
    const browser = createFakeBrowser();
    const [a, b] = [openTab(browser), openTab(browser)];
    await browser.advance(50);
    // The leader's renewal was refused: every tab shows "Your session has ended".
    a.open()?.become('failed', browser.now, { reason: 'auth', failure: 'auth' });
    await browser.advance(1000);
    expect(b.shows()).toBe('failed');
    expect(a.open()?.intents).toEqual([]);

    // The user signs in again in a new tab (the sign-in form lands on a freshly loaded page).
    const signedIn = openTab(browser);
    await browser.advance(50);
    expect(signedIn.role()).toBe('follower');
    expect(a.open()?.intents).toEqual([{ kind: 'user' }]);

    // Refused again after that page loaded: the session really is over; nothing loops.
    a.open()?.become('connecting', browser.now);
    a.open()?.become('failed', browser.now, { reason: 'auth', failure: 'auth' });
    await browser.advance(5000);
    expect(a.open()?.intents).toHaveLength(1);
  });
});
