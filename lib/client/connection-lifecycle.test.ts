import { describe, expect, it } from 'vitest';
import { encodeComment } from '@/lib/sse/wire';
import { HEARTBEAT, connectionHarness, hello, metric } from './testing/connection-harness';
import { settle } from './testing/fake-env';

/** ConnectionManager.checkNow: after a freeze, sleep or long hidden period, judge the stream at once. */

const h = connectionHarness();

describe('checkNow()', () => {
  it('replaces a stream silent for a heartbeat at once, from the cursor, before the watchdog would', async () => {
    const stream = await h.startLive();
    stream.send(metric(1));
    await settle();
    // The page slept: the clock jumped, no timer ran, the watchdog (2.5 s) has not fired yet.
    h.fake.jump(HEARTBEAT + 1);
    h.manager.checkNow('woke from sleep');
    expect(h.fake.requests[0]?.aborted).toBe(true);
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.last().headers['Last-Event-ID']).toBe('ep1.1');
    expect(h.transitions.at(-1)).toMatchObject({ from: 'live', to: 'reconnecting', reason: 'woke from sleep' });
    h.fake
      .last()
      .open()
      .send(hello({ resumed: true }) + metric(2));
    await settle();
    expect(h.state()).toBe('live');
    expect(h.metrics.map((m) => m.cursor)).toEqual(['ep1.1', 'ep1.2']);
  });

  it('keeps a stream that received a byte within the last heartbeat (no needless teardown)', async () => {
    const stream = await h.startLive();
    await h.fake.advance(HEARTBEAT - 10);
    stream.send(encodeComment('keep-alive'));
    await settle();
    await h.fake.advance(HEARTBEAT - 10);
    h.manager.checkNow('visible again after 90 s hidden');
    expect(h.fake.requests).toHaveLength(1);
    expect(h.state()).toBe('live');
  });

  it('after a sleep, only a byte received since the page slept proves the stream alive', async () => {
    const stream = await h.startLive();
    const asleepSince = h.fake.now + 100;
    await h.fake.advance(50);
    stream.send(encodeComment('keep-alive'));
    await settle();
    // That byte is recent (within the heartbeat) but older than the sleep: it proves nothing.
    h.fake.jump(60);
    h.manager.checkNow('woke from sleep', asleepSince);
    expect(h.fake.requests).toHaveLength(2);

    const next = h.fake.last().open();
    next.send(hello({ resumed: true }));
    await settle();
    const since = h.fake.now;
    next.send(encodeComment('keep-alive'));
    await settle();
    h.manager.checkNow('woke from sleep', since);
    expect(h.fake.requests).toHaveLength(2);
  });

  it('with the data rate known, a stream silent for 3 missed ticks is replaced, one fed a tick ago is kept', async () => {
    h.start();
    const stream = h.fake.last().open();
    stream.send(hello({ heartbeatMs: 15_000, dataIntervalMs: 1000 }) + metric(1));
    await settle();
    h.fake.jump(1000);
    h.manager.checkNow('visible again after 70 s hidden');
    expect(h.fake.requests).toHaveLength(1);
    h.fake.jump(2500);
    h.manager.checkNow('visible again after 70 s hidden');
    expect(h.fake.requests).toHaveLength(2);
    expect(h.transitions.at(-1)).toMatchObject({ from: 'live', to: 'reconnecting' });
  });

  it('does not wait out a pending retry', async () => {
    const stream = await h.startLive();
    stream.cut();
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(h.status().retryAt).toBeGreaterThan(h.fake.now);
    h.manager.checkNow('resumed');
    expect(h.fake.requests).toHaveLength(2);
  });

  it('does nothing once stopped', async () => {
    await h.startLive();
    h.manager.stop();
    h.fake.jump(10 * HEARTBEAT);
    h.manager.checkNow('woke from sleep');
    expect(h.fake.requests).toHaveLength(1);
  });
});
