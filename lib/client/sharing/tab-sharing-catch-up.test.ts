import { describe, expect, it } from 'vitest';
import { complete, createHarness } from './testing/tab-harness';

/** Tab sharing in a fake browser: a tab behind its leader catches up by cursor, or loads a snapshot. */

describe('catch-up by cursor', () => {
  it('a tab opened mid-stream fills the gap between its snapshot and the live events', async () => {
    const h = createHarness();
    const a = h.openTab();
    await h.browser.settle();
    h.server.publish(5);
    // The leader's task ends (it posts events when its task ends) before another tab can open.
    await h.browser.settle();
    // b's first paint is at epa.5, but its script runs later: events 6–8 go by before it joins.
    const b = h.openTab();
    h.server.publish(3);
    await h.browser.settle();
    h.server.publish(2);
    await h.browser.settle();
    expect(b.store.cursor()).toBe('epa.10');
    expect(complete(b.store, h.server)).toBe(true);
    expect(b.store.duplicates).toBe(0);
    expect(b.store.hydrations).toBe(0);
    expect(a.sharing.stats().replaysServed).toBeGreaterThan(0);
  });

  it('a follower behind the new leader catches up from it (every tab keeps a ring)', async () => {
    const h = createHarness();
    const [a, b, c] = [h.openTab(), h.openTab(), h.openTab()];
    await h.browser.settle();
    h.server.publish(3);
    await h.browser.settle();
    // c misses 4–6 (a partition), then the leader crashes: b, which has them, takes over.
    h.browser.partition(c.tab);
    h.server.publish(3);
    await h.browser.settle();
    expect(complete(c.store, h.server)).toBe(false);
    h.browser.heal(c.tab);
    h.crash(a);
    await h.browser.settle();
    expect(b.sharing.role()).toBe('leader');
    expect(h.server.connects.at(-1)).toEqual({ tab: b.tab.name, cursor: 'epa.6' });
    h.server.publish(1);
    await h.browser.settle();
    expect(c.store.cursor()).toBe('epa.7');
    expect(complete(c.store, h.server)).toBe(true);
    expect(c.store.resets).toBe(0);
    expect(c.store.hydrations).toBe(0);
  });

  it('when the leader no longer holds the missing events, the follower is told to load a snapshot', async () => {
    const h = createHarness({}, { ringCapacity: 5 });
    const [, b] = [h.openTab(), h.openTab()];
    await h.browser.settle();
    h.browser.partition(b.tab);
    h.server.publish(20);
    await h.browser.settle();
    h.browser.heal(b.tab);
    b.sharing.requestCatchUp();
    await h.browser.settle();
    expect(b.failedCatchUps).toEqual(['epa.0']);
    expect(b.store.cursor()).toBe('epa.20');
  });

  it('a follower left in an old epoch, past what the ring holds, resyncs once from a snapshot', async () => {
    const h = createHarness({}, { ringCapacity: 5 });
    const [a, b] = [h.openTab(), h.openTab()];
    await h.browser.settle();
    h.server.publish(3);
    await h.browser.settle();
    h.browser.partition(b.tab);
    h.server.restart();
    a.sharing.requestReconnect();
    h.server.publish(20);
    await h.browser.settle();
    h.browser.heal(b.tab);
    await h.browser.advance(5000);
    expect(b.failedCatchUps).toEqual(['epa.3']);
    // Once resynced, the leader's heartbeats no longer look like news: a join sent before A led
    // (to nobody), the join A answered, the catch-up A refused; nothing after.
    expect(b.sharing.stats().catchUpsSent).toBe(3);
    expect(b.store.cursor()).toBe('epb.20');
    expect(b.store.resets).toBe(1);
  });

  it('re-sends events a follower dropped before the reset that explains them (found by the property test)', async () => {
    const h = createHarness({ locks: false });
    const a = h.openTab();
    await h.browser.advance(1300);
    const b = h.openTab();
    await h.browser.settle();
    b.sharing.resign();
    // a gets the new epoch's reset while b sleeps, then a sleeps too, and the server moves on.
    h.restartServer();
    a.sharing.resign();
    h.server.publish(1);
    await h.browser.settle();
    // Both wake at once: a wins the claim, streams epb.1, and b receives it live while its store
    // is still in epoch epa (so the merge drops it), before the replay brings the reset.
    a.sharing.rejoin();
    b.sharing.rejoin();
    await h.browser.advance(3000);
    h.server.publish(2);
    await h.browser.advance(3000);
    expect(a.sharing.role()).toBe('leader');
    expect(b.store.cursor()).toBe('epb.3');
    expect(b.store.hasHole).toBe(false);
    expect(b.store.resets).toBe(1);
  });

  it('an epoch change during the handover reaches every tab as one reset', async () => {
    const h = createHarness();
    const [a, b, c] = [h.openTab(), h.openTab(), h.openTab()];
    await h.browser.settle();
    h.server.publish(4);
    await h.browser.settle();
    h.crash(a);
    h.server.restart();
    h.server.publish(7);
    await h.browser.settle();
    for (const tab of [b, c]) {
      expect(tab.store.cursor()).toBe('epb.7');
      expect(tab.store.resets).toBe(1);
    }
  });
});
