import { describe, expect, it } from 'vitest';
import type { SharedStatus } from './protocol';
import { createTabSharing } from './tab-sharing';
import { complete, createHarness, type HarnessTab } from './testing/tab-harness';

/** Tab sharing in a fake browser: election, handover, fallbacks (catch-up: tab-sharing-catch-up.test.ts). */

const names = (tabs: HarnessTab[]) => tabs.map((h) => h.tab.name);

/** A leader's status as it publishes it: live since `since`, unless `changes` say otherwise. */
const statusAt = (since: number, changes: Partial<SharedStatus> = {}): SharedStatus => ({
  state: 'live',
  reason: 'hello',
  since,
  attempt: 0,
  retryAt: null,
  epoch: 'epa',
  heartbeatMs: 15000,
  error: null,
  failure: null,
  rotations: 0,
  clockOffsetMs: 0,
  transition: null,
  ...changes,
});

describe('election with Web Locks', () => {
  it('elects the first tab; the others follow, and the server sees one stream', async () => {
    const h = createHarness();
    const [a, b, c] = [h.openTab(), h.openTab(), h.openTab()];
    await h.browser.settle();
    expect(h.roles()).toEqual(['leader', 'follower', 'follower']);
    expect(a.sharing.mode()).toBe('locks');
    expect(h.server.openConnections).toBe(1);
    h.server.publish(5);
    await h.browser.settle();
    for (const tab of [a, b, c]) {
      expect(tab.store.cursor()).toBe('epa.5');
      expect(complete(tab.store, h.server)).toBe(true);
      expect(tab.store.duplicates).toBe(0);
    }
    expect(b.roles.at(-1)).toMatchObject({ role: 'follower', leaderId: a.tab.name });
  });

  it('hands over at once when the leader closes; the new leader resumes from its own cursor', async () => {
    const h = createHarness();
    const [a, b, c] = [h.openTab(), h.openTab(), h.openTab()];
    await h.browser.settle();
    h.server.publish(10);
    await h.browser.settle();
    h.close(a);
    await h.browser.settle();
    expect(names(h.leaders())).toEqual([b.tab.name]);
    expect(h.server.connects.at(-1)).toEqual({ tab: b.tab.name, cursor: 'epa.10' });
    h.server.publish(10);
    await h.browser.settle();
    expect(h.allAtHead()).toBe(true);
    for (const tab of [b, c]) {
      expect(complete(tab.store, h.server)).toBe(true);
      expect(tab.store.resets).toBe(0);
    }
    expect(h.server.maxOpen).toBe(1);
  });

  it('hands over when the leader crashes without a goodbye (the browser releases its lock)', async () => {
    const h = createHarness();
    const [a, b, c] = [h.openTab(), h.openTab(), h.openTab()];
    await h.browser.settle();
    h.server.publish(3);
    await h.browser.settle();
    h.crash(a);
    // Events published while nobody streams are replayed to the new leader.
    h.server.publish(4);
    await h.browser.settle();
    expect(names(h.leaders())).toEqual([b.tab.name]);
    h.server.publish(2);
    await h.browser.settle();
    expect(h.allAtHead()).toBe(true);
    expect(complete(b.store, h.server) && complete(c.store, h.server)).toBe(true);
    expect(c.store.duplicates).toBe(0);
  });

  it('resign() on pagehide hands the lead over; rejoin() follows and catches up on what was missed', async () => {
    const h = createHarness();
    const [a, b] = [h.openTab(), h.openTab()];
    await h.browser.settle();
    a.sharing.resign();
    await h.browser.settle();
    expect(a.sharing.role()).toBe('follower');
    expect(b.sharing.role()).toBe('leader');
    expect(a.streaming).toBe(false);
    h.server.publish(6);
    await h.browser.settle();
    // Frozen in the back/forward cache: it missed those, but it is not a candidate either.
    expect(a.store.cursor()).toBe('epa.0');
    a.sharing.rejoin();
    await h.browser.settle();
    expect(a.sharing.role()).toBe('follower');
    expect(a.store.cursor()).toBe('epa.6');
    expect(complete(a.store, h.server)).toBe(true);
    expect(a.store.hydrations).toBe(0);
  });

  it('passes "Reconnect now" from a follower to the leader', async () => {
    const h = createHarness();
    const [a, b] = [h.openTab(), h.openTab()];
    await h.browser.settle();
    b.sharing.requestReconnect();
    await h.browser.settle();
    expect(a.reconnects).toEqual([b.sharing.id]);
    expect(b.reconnects).toEqual([]);
  });

  it("shows followers the leader's status, including a newcomer that missed the transition", async () => {
    const h = createHarness();
    const a = h.openTab();
    await h.browser.settle();
    const status = statusAt(h.browser.now, {
      state: 'reconnecting',
      reason: 'network error',
      attempt: 2,
      retryAt: h.browser.now + 4000,
    });
    a.sharing.publishStatus(status);
    const b = h.openTab();
    await h.browser.settle();
    expect(b.statuses).toEqual([status]);
  });

  it("a newcomer whose first join went unanswered still gets the leader's status (not stuck on connecting)", async () => {
    const h = createHarness();
    const a = h.openTab();
    await h.browser.settle();
    const status = statusAt(h.browser.now);
    a.sharing.publishStatus(status);
    // B's join is lost (a busy leader tab, a message dropped): nothing answers it.
    const b = h.openTab();
    h.browser.partition(b.tab);
    await h.browser.settle();
    h.browser.heal(b.tab);
    // The leader's next heartbeat reaches B, which must ask again rather than wait.
    await h.browser.advance(3000);
    expect(b.sharing.role()).toBe('follower');
    expect(b.statuses).toEqual([status]);
  });
});

describe('fallbacks', () => {
  it('without Web Locks: elects by lease, and hands over within 3 s of a crash', async () => {
    const h = createHarness({ locks: false });
    const [a, b, c] = [h.openTab(), h.openTab(), h.openTab()];
    // Nobody answers the first probe (1 s), then a claim stands (0.3 s).
    await h.browser.advance(1300);
    expect(h.leaders()).toHaveLength(1);
    expect(a.sharing.mode()).toBe('lease');
    const leader = h.leaders()[0]!;
    h.server.publish(5);
    await h.browser.advance(100);
    h.crash(leader);
    const crashedAt = h.browser.now;
    while (h.leaders().length === 0 && h.browser.now - crashedAt < 10_000) await h.browser.advance(50);
    expect(h.browser.now - crashedAt).toBeLessThanOrEqual(3000);
    expect(h.leaders()).toHaveLength(1);
    h.server.publish(5);
    await h.browser.advance(100);
    expect(h.allAtHead()).toBe(true);
    for (const tab of [a, b, c].filter((t) => t !== leader)) expect(complete(tab.store, h.server)).toBe(true);
  });

  it('without Web Locks: a leader that closes says goodbye, and another claims at once', async () => {
    const h = createHarness({ locks: false });
    h.openTab();
    h.openTab();
    await h.browser.advance(1300);
    const leader = h.leaders()[0]!;
    h.close(leader);
    await h.browser.advance(400);
    expect(h.leaders()).toHaveLength(1);
  });

  it('without BroadcastChannel: runs solo, with its own stream, and says so', async () => {
    const h = createHarness({ channel: false });
    const a = h.openTab();
    const b = h.openTab();
    await h.browser.settle();
    expect(h.roles()).toEqual(['solo', 'solo']);
    expect(a.roles[0]).toMatchObject({ role: 'solo', mode: 'none' });
    expect(a.roles[0]?.reason).toMatch(/BroadcastChannel/);
    expect(h.server.openConnections).toBe(2);
    a.sharing.requestReconnect();
    expect(a.reconnects).toHaveLength(1);
    expect(b.streaming).toBe(true);
  });

  it('falls back to the lease when the lock manager refuses', async () => {
    const h = createHarness();
    const tab = h.browser.openTab();
    const refusing = { request: () => Promise.reject(new DOMException('denied', 'SecurityError')) };
    const roles: string[] = [];
    const sharing = createTabSharing({
      env: { ...tab.env, locks: refusing },
      cursor: () => null,
      onRole: (change) => roles.push(`${change.role}/${change.mode}`),
    });
    sharing.start();
    await h.browser.advance(1300);
    expect(sharing.mode()).toBe('lease');
    expect(roles).toEqual(['electing/lease', 'leader/lease']);
  });

  it('a follower whose leader stops answering runs its own stream, and follows again when it answers', async () => {
    const h = createHarness();
    const [a, b] = [h.openTab(), h.openTab()];
    await h.browser.settle();
    h.browser.partition(a.tab);
    await h.browser.advance(3000);
    expect(b.sharing.role()).toBe('solo');
    expect(b.roles.at(-1)?.reason).toMatch(/does not answer/);
    expect(b.streaming).toBe(true);
    h.browser.heal(a.tab);
    await h.browser.advance(1100);
    expect(b.sharing.role()).toBe('follower');
    expect(b.streaming).toBe(false);
  });
});

describe('split-brain guard', () => {
  it('two leaders that meet (a healed partition, lease mode) leave one within a heartbeat', async () => {
    const h = createHarness({ locks: false });
    const [a, b, c] = [h.openTab(), h.openTab(), h.openTab()];
    await h.browser.advance(1300);
    const first = h.leaders()[0]!;
    const cut = first === a ? b : a;
    h.browser.partition(cut.tab);
    await h.browser.advance(4000);
    expect(h.leaders()).toHaveLength(2);
    h.browser.heal(cut.tab);
    await h.browser.advance(1100);
    expect(h.leaders()).toHaveLength(1);
    h.server.publish(4);
    await h.browser.advance(100);
    expect(h.allAtHead()).toBe(true);
    expect([a, b, c].every((t) => complete(t.store, h.server))).toBe(true);
  });
});

describe('protocol robustness', () => {
  it('ignores and counts malformed messages and other versions; the stream goes on', async () => {
    const h = createHarness();
    const [a, b] = [h.openTab(), h.openTab()];
    await h.browser.settle();
    for (const junk of [
      null,
      'hello',
      42,
      { v: 1 },
      { v: 1, from: 'x', kind: 'item', term: 1, item: { kind: 'metric' } },
    ]) {
      h.browser.inject('rtd-live', junk);
    }
    h.browser.inject('rtd-live', { v: 2, from: 'future-tab', kind: 'teleport' });
    h.server.publish(3);
    await h.browser.settle();
    expect(b.sharing.stats()).toMatchObject({ malformed: 5, otherVersion: 1 });
    expect(a.sharing.stats()).toMatchObject({ malformed: 5, otherVersion: 1 });
    expect(b.store.cursor()).toBe('epa.3');
  });
});

describe('posting events', () => {
  it('sends the events of one task as one message, before any later message', async () => {
    const h = createHarness();
    const [a, b] = [h.openTab(), h.openTab()];
    await h.browser.settle();
    const sentBefore = a.sharing.stats().sent;
    h.server.publish(8); // one network chunk: a whole producer tick, in one task
    await h.browser.settle();
    expect(a.sharing.stats().sent - sentBefore).toBe(1);
    expect(b.store.cursor()).toBe('epa.8');
    expect(complete(b.store, h.server)).toBe(true);
  });
});
