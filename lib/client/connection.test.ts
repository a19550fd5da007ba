import { describe, expect, it } from 'vitest';
import { encodeComment, encodeRetry } from '@/lib/sse/wire';
import { HEARTBEAT, connectionHarness, hello, metric } from './testing/connection-harness';
import { settle } from './testing/fake-env';

/** ConnectionManager: connecting, reconnecting with backoff, failing for good, stopping. */

const h = connectionHarness();

describe('connecting and live', () => {
  it('goes connecting → live on hello and passes metrics on with their cursors', async () => {
    h.start();
    expect(h.state()).toBe('connecting');
    expect(h.fake.requests).toHaveLength(1);
    const stream = h.fake.last().open();
    stream.send(hello() + metric(1) + metric(2));
    await settle();
    expect(h.state()).toBe('live');
    expect(h.status()).toMatchObject({ epoch: 'ep1', heartbeatMs: HEARTBEAT });
    expect(h.metrics.map((m) => m.cursor)).toEqual(['ep1.1', 'ep1.2']);
    expect(h.transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['connecting→live']);
  });

  it('gives every transition a readable reason', async () => {
    const stream = await h.startLive();
    stream.cut();
    await settle();
    // Retry at 0.5 s hangs without an answer, is declared stale 2.5 s later, retried 1 s after that.
    await h.fake.advance(5000);
    expect(h.transitions.map((t) => `${t.from}→${t.to}: ${t.reason}`)).toEqual([
      'connecting→live: stream open',
      'live→reconnecting: connection lost: TypeError: network error',
      'reconnecting→reconnecting: retry after 500 ms',
      'reconnecting→stale: no bytes for 2.5 s',
      'stale→reconnecting: retry after 1000 ms',
    ]);
  });

  it('sends no cursor on a first connect, and asks for an event stream', () => {
    h.start();
    expect(h.fake.last().url).toBe('/api/stream');
    expect(h.fake.last().headers).toEqual({ Accept: 'text/event-stream', 'X-Stream-Refusals': 'status' });
  });
});

describe('reconnecting', () => {
  it('after a cut: reconnecting with a countdown, then resumes from the last applied cursor', async () => {
    const stream = await h.startLive();
    stream.send(metric(1) + metric(2));
    await settle();
    stream.cut();
    await settle();
    expect(h.state()).toBe('reconnecting');
    // random = 0.5 of the first window (the server's retry: 1000 ms).
    expect(h.status().retryAt).toBe(h.fake.now + 500);
    expect(h.fake.requests).toHaveLength(1);

    await h.fake.advance(500);
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.last().url).toBe('/api/stream?lastEventId=ep1.2');
    expect(h.fake.last().headers['Last-Event-ID']).toBe('ep1.2');
    const resumed = h.fake.last().open();
    resumed.send(hello({ resumed: true, replayed: 3 }) + metric(3) + metric(4));
    await settle();
    expect(h.state()).toBe('live');
    // Reported once the whole replay is handed on, so the listener can measure what it filled in.
    expect(h.recoveries).toEqual([]);
    resumed.send(metric(5));
    await settle();
    expect(h.recoveries).toEqual([{ outageMs: 500, replayed: 3, reset: null }]);
  });

  it('backs off exponentially with full jitter from the server retry, within the early cap at first', async () => {
    h.fake.setRandom(1);
    h.start({ maxBackoffMs: 8000 });
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      h.fake.last().refuse();
      await settle();
      const at = h.status().retryAt!;
      delays.push(at - h.fake.now);
      await h.fake.advance(at - h.fake.now);
    }
    expect(delays).toEqual([1000, 2000, 4000, 4000, 4000, 4000]);
    expect(h.status().attempt).toBe(6);
  });

  it('adopts the server retry: as the base', async () => {
    h.fake.setRandom(1);
    h.start();
    const stream = h.fake.last().open();
    stream.send(encodeRetry(3000) + hello().replace('retry: 1000\n\n', ''));
    await settle();
    stream.end();
    await settle();
    expect(h.status().retryAt! - h.fake.now).toBe(3000);
  });

  it('resets the backoff after a healthy stream, not after a short one', async () => {
    h.fake.setRandom(1);
    h.start({ healthyAfterMs: 5000 });
    h.fake.last().refuse();
    await settle();
    await h.fake.advance(1000);
    h.fake.last().refuse();
    await settle();
    await h.fake.advance(2000);
    // Third try opens but dies at once: the window keeps growing.
    let stream = h.fake.last().open();
    stream.send(hello());
    await settle();
    stream.end();
    await settle();
    expect(h.status().retryAt! - h.fake.now).toBe(4000);
    await h.fake.advance(4000);
    // This one stays live long enough to count as healthy.
    stream = h.fake.last().open();
    stream.send(hello());
    await settle();
    for (let i = 0; i < 6; i += 1) {
      stream.send(encodeComment('keep-alive'));
      await h.fake.advance(900);
    }
    stream.end();
    await settle();
    expect(h.status().retryAt! - h.fake.now).toBe(1000);
  });

  it('a stream healthy for 5 s resets the backoff even when it ends in a stall', async () => {
    h.fake.setRandom(1);
    h.start({ healthyAfterMs: 5000 });
    for (const wait of [1000, 2000]) {
      h.fake.last().refuse();
      await settle();
      await h.fake.advance(wait);
    }
    const stream = h.fake.last().open();
    stream.send(hello());
    await settle();
    for (let i = 0; i < 6; i += 1) {
      stream.send(encodeComment('keep-alive'));
      await h.fake.advance(900);
    }
    // Then silence: the watchdog declares it stale; the retry starts from the base again.
    await h.fake.advance(2500);
    expect(h.state()).toBe('stale');
    expect(h.status().retryAt! - h.status().since).toBe(1000);
  });

  it('"Reconnect now" while the server is still down never pushes the next attempt later', async () => {
    h.fake.setRandom(1);
    h.start();
    for (const wait of [1000, 2000]) {
      h.fake.last().refuse();
      await settle();
      await h.fake.advance(wait);
    }
    h.fake.last().refuse();
    await settle();
    const pending = h.status().retryAt!;
    expect(pending - h.fake.now).toBe(4000);
    await h.fake.advance(1000);
    h.manager.reconnectNow({ kind: 'user' });
    h.fake.last().refuse();
    await settle();
    // The manual attempt failed too: the next one is no later than the one it replaced.
    expect(h.status().retryAt!).toBeLessThanOrEqual(pending);
  });

  it('a Retry-After still counts as an attempt', async () => {
    h.start();
    h.fake.last().respond(503, '', { 'Retry-After': '1' });
    await settle();
    expect(h.status().attempt).toBe(1);
  });

  it('honours 503 Retry-After instead of its own backoff', async () => {
    h.start();
    h.fake.last().respond(503, JSON.stringify({ error: { code: 'too_many_connections', message: 'full' } }), {
      'Retry-After': '3',
      'content-type': 'application/json',
    });
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(h.status().reason).toMatch(/503.*full/);
    // 3 s plus up to 10% jitter (random = 0.5 → 5%).
    expect(h.status().retryAt! - h.fake.now).toBe(3150);
    await h.fake.advance(3100);
    expect(h.fake.requests).toHaveLength(1);
    await h.fake.advance(50);
    expect(h.fake.requests).toHaveLength(2);
  });

  it.each([408, 429, 500, 502, 503])('retries after HTTP %i', async (code) => {
    h.start();
    h.fake.last().respond(code);
    await settle();
    expect(h.state()).toBe('reconnecting');
    await h.fake.advance(h.status().retryAt! - h.fake.now);
    expect(h.fake.requests).toHaveLength(2);
  });
});

describe('failed', () => {
  it.each([400, 401, 403, 404])(
    'stops on HTTP %i with the server message, and never retries by itself',
    async (code) => {
      h.start();
      h.fake.last().respond(code, JSON.stringify({ error: { code: 'x', message: 'not for you' } }), {
        'content-type': 'application/json',
      });
      await settle();
      expect(h.state()).toBe('failed');
      expect(h.status().error).toBe('not for you');
      await h.fake.advance(10 * 60_000);
      h.fake.setOnline(false);
      h.fake.setOnline(true);
      h.fake.becomeVisible();
      await settle();
      expect(h.fake.requests).toHaveLength(1);
      expect(h.fake.pendingTimers()).toBe(0);
    },
  );

  it('treats a 200 that is not an event stream as a failure to retry', async () => {
    h.start();
    h.fake.last().respond(200, '<html>', { 'content-type': 'text/html' });
    await settle();
    expect(h.state()).toBe('reconnecting');
    expect(h.status().reason).toMatch(/content type/);
  });

  it('reconnects from failed when asked to', async () => {
    h.start();
    h.fake.last().respond(401);
    await settle();
    h.manager.reconnectNow({ kind: 'user' });
    expect(h.fake.requests).toHaveLength(2);
    expect(h.state()).toBe('reconnecting');
  });
});

describe('stop', () => {
  it('aborts the stream, clears timers and ignores late events', async () => {
    const stream = await h.startLive();
    h.manager.stop();
    expect(h.fake.requests[0]?.aborted).toBe(true);
    expect(h.fake.pendingTimers()).toBe(0);
    const count = h.transitions.length;
    await h.fake.advance(60_000);
    h.fake.setOnline(false);
    h.fake.setOnline(true);
    expect(() => stream.send(metric(9))).toThrow();
    expect(h.transitions.length).toBe(count);
    expect(h.fake.requests).toHaveLength(1);
  });
});
