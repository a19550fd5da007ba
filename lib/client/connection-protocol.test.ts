import { describe, expect, it } from 'vitest';
import { encodeEvent } from '@/lib/sse/wire';
import { connectionHarness, hello, metric } from './testing/connection-harness';
import { settle } from './testing/fake-env';

/** ConnectionManager: malformed events (protocol errors) and bugs downstream (consumer errors). */

const h = connectionHarness();

describe('protocol errors', () => {
  it('drops a malformed metric, reports it, and stays live', async () => {
    const stream = await h.startLive();
    stream.send(
      metric(1) + encodeEvent({ id: 'ep1.2', event: 'metric', data: '{"feed":"x","seq":"two"}' }) + metric(3),
    );
    await settle();
    expect(h.state()).toBe('live');
    expect(h.metrics.map((m) => m.event.seq)).toEqual([1, 3]);
    expect(h.protocolErrors.map((e) => e.message)).toEqual([
      'malformed metric event (schema): seq: invalid_type; ts: invalid_type; value: invalid_type',
    ]);
    expect(h.fake.requests).toHaveLength(1);
  });

  it('gives up on a stream whose hello is malformed, and retries it later (not as a network error)', async () => {
    h.start();
    h.fake
      .last()
      .open()
      .send(encodeEvent({ event: 'hello', data: 'not json' }) + metric(1));
    await settle();
    expect(h.protocolErrors).toHaveLength(1);
    expect(h.state()).toBe('reconnecting');
    expect(h.status().reason).toBe('protocol error: malformed hello event (json): data is not JSON: "not json"');
    expect(h.fake.requests[0]?.aborted).toBe(true);
    // Nothing after the bad hello was handed over.
    expect(h.metrics).toEqual([]);
    await h.fake.advance(h.status().retryAt! - h.fake.now);
    expect(h.fake.requests).toHaveLength(2);
  });
});

describe('consumer errors', () => {
  it('a listener that throws fails the connection with the error, reports it, and does not retry', async () => {
    const bug = new Error('store exploded');
    h.listener.onMetric = () => {
      throw bug;
    };
    const stream = await h.startLive();
    stream.send(metric(1));
    await settle();
    expect(h.state()).toBe('failed');
    expect(h.status()).toMatchObject({ reason: 'client error: store exploded', error: 'store exploded' });
    expect(h.fake.reportedErrors).toEqual([bug]);
    await h.fake.advance(60_000);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.pendingTimers()).toBe(0);
  });

  it('"Reconnect now" tries again after a consumer error', async () => {
    let calls = 0;
    h.listener.onMetric = () => {
      calls += 1;
      if (calls === 1) throw new Error('once');
    };
    const stream = await h.startLive();
    stream.send(metric(1));
    await settle();
    expect(h.state()).toBe('failed');
    h.manager.reconnectNow({ kind: 'user' });
    h.fake
      .last()
      .open()
      .send(hello({ resumed: true }) + metric(2));
    await settle();
    expect(h.state()).toBe('live');
    expect(calls).toBe(2);
  });
});
