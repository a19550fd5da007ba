import { describe, expect, it } from 'vitest';
import { encodeComment, encodeJsonEvent } from '@/lib/sse/wire';
import { HEARTBEAT, connectionHarness, hello, metric, reset } from './testing/connection-harness';
import { settle } from './testing/fake-env';

/** ConnectionManager: the stall watchdog, browser signals (offline, visibility) and resyncs after a reset. */

const h = connectionHarness();

describe('stall watchdog', () => {
  it('declares a silent stream stale after 2.5× the heartbeat, aborts it and reconnects', async () => {
    const stream = await h.startLive();
    stream.send(metric(1));
    await settle();
    await h.fake.advance(2499);
    expect(h.state()).toBe('live');
    await h.fake.advance(1);
    expect(h.state()).toBe('stale');
    expect(h.status().reason).toBe('no bytes for 2.5 s');
    expect(h.fake.requests[0]?.aborted).toBe(true);
    await h.fake.advance(h.status().retryAt! - h.fake.now);
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.last().headers['Last-Event-ID']).toBe('ep1.1');
    h.fake
      .last()
      .open()
      .send(hello({ resumed: true }));
    await settle();
    expect(h.state()).toBe('live');
  });

  it('also gives up on a request that never gets a response', async () => {
    const stream = await h.startLive();
    stream.cut();
    await settle();
    await h.fake.advance(h.status().retryAt! - h.fake.now);
    expect(h.fake.requests).toHaveLength(2);
    // The new request hangs: no response, no bytes (a stalled proxy, a dead route).
    await h.fake.advance(2500);
    expect(h.state()).toBe('stale');
    expect(h.fake.requests[1]?.aborted).toBe(true);
  });

  it('is fed by heartbeat comments, which are not events', async () => {
    const stream = await h.startLive();
    for (let i = 0; i < 10; i += 1) {
      await h.fake.advance(HEARTBEAT);
      stream.send(encodeComment('keep-alive'));
      await settle();
    }
    expect(h.state()).toBe('live');
    expect(h.fake.requests).toHaveLength(1);
  });

  it('catches a stall noticed late in a hidden tab as soon as it becomes visible', async () => {
    await h.startLive();
    // Background tabs throttle timers: time passes but the watchdog has not fired.
    h.fake.jump(10_000);
    expect(h.state()).toBe('live');
    h.fake.becomeVisible();
    expect(h.state()).toBe('stale');
  });

  it('leaves a healthy stream alone when the tab becomes visible', async () => {
    const stream = await h.startLive();
    await h.fake.advance(1000);
    stream.send(encodeComment('keep-alive'));
    await settle();
    h.fake.becomeVisible();
    expect(h.state()).toBe('live');
    expect(h.fake.requests).toHaveLength(1);
  });
});

describe('stall watchdog with the data rate known (hello.dataIntervalMs)', () => {
  /** Live on a server with the default 15 s heartbeat whose feeds tick every `intervalMs`. */
  const liveWithTicks = async (intervalMs: number) => {
    h.start();
    const stream = h.fake.last().open();
    stream.send(hello({ heartbeatMs: 15_000, dataIntervalMs: intervalMs }) + metric(1));
    await settle();
    return stream;
  };

  it('with the default heartbeat and feeds at 1 Hz, calls a silent link stale after 3 missed ticks', async () => {
    await liveWithTicks(1000);
    await h.fake.advance(2999);
    expect(h.state()).toBe('live');
    await h.fake.advance(1);
    expect(h.state()).toBe('stale');
    expect(h.status().reason).toBe('no bytes for 3.0 s');
    expect(h.fake.requests[0]?.aborted).toBe(true);
  });

  it('stays live while the ticks come', async () => {
    const stream = await liveWithTicks(1000);
    for (let seq = 2; seq < 30; seq += 1) {
      await h.fake.advance(1000);
      stream.send(metric(seq));
      await settle();
    }
    expect(h.state()).toBe('live');
    expect(h.fake.requests).toHaveLength(1);
  });

  it('never calls less than 3 s of silence a stall, however fast the ticks', async () => {
    await liveWithTicks(100);
    await h.fake.advance(2999);
    expect(h.state()).toBe('live');
    await h.fake.advance(1);
    expect(h.state()).toBe('stale');
  });

  it('keeps the heartbeat rule when it is the shorter one', async () => {
    h.start();
    h.fake
      .last()
      .open()
      .send(hello({ heartbeatMs: 1000, dataIntervalMs: 10_000 }));
    await settle();
    await h.fake.advance(2500);
    expect(h.status().reason).toBe('no bytes for 2.5 s');
  });

  it('judges a reconnect that hangs by the rate the last hello gave', async () => {
    const stream = await liveWithTicks(1000);
    stream.cut();
    await settle();
    await h.fake.advance(h.status().retryAt! - h.fake.now);
    expect(h.fake.requests).toHaveLength(2);
    await h.fake.advance(3000);
    expect(h.state()).toBe('stale');
  });

  it('does not count a silence the page slept through: a watchdog fired a whole threshold late starts over', async () => {
    const stream = await liveWithTicks(1000);
    // The page ran no code for 60 s (a sleep, a frozen page): its timers fire late, at once.
    h.fake.jump(60_000);
    await h.fake.advance(0);
    expect(h.state()).toBe('live');
    // The link was fine: its bytes arrive as soon as the page runs.
    stream.send(metric(2));
    await settle();
    await h.fake.advance(2999);
    expect(h.state()).toBe('live');
    // A silence the page did live through is a stall, as always.
    await h.fake.advance(1);
    expect(h.state()).toBe('stale');
  });

  it('a watchdog late by less than its threshold (a busy machine) still calls the stall', async () => {
    await liveWithTicks(1000);
    h.fake.jump(5000);
    await h.fake.advance(0);
    expect(h.state()).toBe('stale');
  });
});

describe('offline and visibility', () => {
  it('waits offline instead of retrying, and reconnects at once when back online', async () => {
    const stream = await h.startLive();
    h.fake.setOnline(false);
    // An open stream is kept: browser "offline" does not prove it is down.
    expect(h.state()).toBe('live');
    stream.cut();
    await settle();
    expect(h.state()).toBe('offline');
    await h.fake.advance(60_000);
    expect(h.fake.requests).toHaveLength(1);
    h.fake.setOnline(true);
    expect(h.fake.requests).toHaveLength(2);
    expect(h.state()).toBe('reconnecting');
  });

  it('goes offline from a scheduled retry when the browser goes offline', async () => {
    const stream = await h.startLive();
    stream.end();
    await settle();
    expect(h.state()).toBe('reconnecting');
    h.fake.setOnline(false);
    expect(h.state()).toBe('offline');
    expect(h.status().retryAt).toBeNull();
    expect(h.fake.pendingTimers()).toBe(0);
  });

  it('starts offline when the browser is offline, and connects once it is online', () => {
    h.fake.setOnline(false);
    h.start();
    expect(h.state()).toBe('offline');
    expect(h.fake.requests).toHaveLength(0);
    h.fake.setOnline(true);
    expect(h.state()).toBe('connecting');
    expect(h.fake.requests).toHaveLength(1);
  });

  it('reconnects at once when the tab becomes visible during a backoff wait', async () => {
    const stream = await h.startLive();
    stream.end();
    await settle();
    expect(h.fake.requests).toHaveLength(1);
    h.fake.becomeVisible();
    expect(h.fake.requests).toHaveLength(2);
  });
});

describe('resync after a reset', () => {
  /** Live with one metric applied, then a cut, then the retry timer fires (a new request waits). */
  async function cutAfterOneMetricAndRetry() {
    const stream = await h.startLive();
    stream.send(metric(1));
    await settle();
    stream.cut();
    await settle();
    await h.fake.advance(h.status().retryAt! - h.fake.now);
  }

  it('goes resyncing on a refused cursor and hands the reset over', async () => {
    await cutAfterOneMetricAndRetry();
    expect(h.fake.last().headers['Last-Event-ID']).toBe('ep1.1');
    h.fake
      .last()
      .open()
      .send(hello({ epoch: 'ep2', resumed: false }) + encodeJsonEvent('reset', reset, reset.cursor));
    await settle();
    expect(h.state()).toBe('resyncing');
    expect(h.status().reason).toBe('reset: epoch_changed');
    expect(h.status().epoch).toBe('ep2');
    expect(h.resets).toEqual([reset]);
    // Not live (and no recovery reported) until live data flows again.
    expect(h.recoveries).toEqual([]);
  });

  it('reports the recovery with the reset after the first live metric', async () => {
    await cutAfterOneMetricAndRetry();
    const next = h.fake.last().open();
    next.send(hello({ epoch: 'ep2' }) + encodeJsonEvent('reset', reset, reset.cursor));
    await settle();
    await h.fake.advance(1000);
    next.send(metric(2, 'ep2'));
    await settle();
    expect(h.state()).toBe('live');
    expect(h.recoveries).toEqual([{ outageMs: 1500, replayed: 0, reset }]);
  });
});
