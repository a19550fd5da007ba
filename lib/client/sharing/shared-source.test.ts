import { describe, expect, it } from 'vitest';
import type { ConnectionEnv } from '../connection-env';
import type { LifecycleSignal } from '../lifecycle-signals';
import type { OwnStream, ReconnectIntent, SharedStreamListener, StreamListener } from '../stream-source';
import { createSharedSource } from './shared-source';
import { createFakeBrowser, type FakeBrowser } from './testing/fake-browser';
import type { RoleChange, TabRole } from './types';

/**
 * The shared source alone: real tab sharing in a fake browser, a recording listener instead of
 * the binding and stores, and a fake for the stream a leading tab opens. (lib/live/shared-tabs.test.ts
 * runs the same source with the real binding and stores.)
 */

class FakeStream implements OwnStream {
  listener: StreamListener | null = null;
  readonly intents: ReconnectIntent[] = [];
  readonly checks: string[] = [];
  start(listener: StreamListener) {
    this.listener = listener;
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

function recordingListener(roles: RoleChange[]): SharedStreamListener {
  const nothing = () => {};
  return {
    resumeCursor: () => null,
    flush: nothing,
    onHello: nothing,
    onMetric: nothing,
    onReset: nothing,
    onStatus: nothing,
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
  source.start(recordingListener(roles));
  return {
    source,
    streams,
    roles,
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
    a.source.reconnectNow({ kind: 'gap', feed: 'cpu' });
    const catchUpsBefore = b.source.sharing()?.stats().catchUpsSent ?? 0;
    b.source.reconnectNow({ kind: 'gap', feed: 'cpu' });
    await browser.advance(50);
    expect(a.open()?.intents).toEqual([{ kind: 'gap', feed: 'cpu' }, { kind: 'user' }]);
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
});
