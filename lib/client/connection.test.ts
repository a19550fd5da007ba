import { beforeEach, describe, expect, it } from 'vitest';
import type { HelloData, MetricEvent, ResetData } from '@/lib/metrics/events';
import { encodeComment, encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import { ConnectionManager, type ConnectionStatus, type Recovery, type Transition } from './connection';
import { createFakeEnv, settle, type FakeEnv, type FakeStream } from './testing/fake-env';

const HEARTBEAT = 1000;

const hello = (patch: Partial<HelloData> = {}) =>
  encodeRetry(1000) +
  encodeJsonEvent('hello', { epoch: 'ep1', heartbeatMs: HEARTBEAT, feeds: ['cpu'], resumed: false, replayed: 0, bus: 'memory', serverTime: 0, ...patch });
const metric = (seq: number, epoch = 'ep1') => encodeJsonEvent('metric', { feed: 'cpu', seq, ts: seq, value: seq }, `${epoch}.${seq}`);
const reset: ResetData = { reason: 'epoch_changed', epoch: 'ep2', cursor: 'ep2.8', windowMs: 1000, feeds: { cpu: { firstSeq: 1, ts: [1], value: [1] } } };

let fake: FakeEnv;
let transitions: Transition[];
let metrics: { event: MetricEvent; cursor: string }[];
let resets: ResetData[];
let recoveries: Recovery[];
let cursor: string | null;
let manager: ConnectionManager;

const state = () => manager.getStatus().state;
const status = (): ConnectionStatus => manager.getStatus();

function create(options: Partial<ConstructorParameters<typeof ConnectionManager>[0]> = {}) {
  manager = new ConnectionManager({
    url: '/api/stream',
    env: fake.env,
    sink: {
      resumeCursor: () => cursor,
      onHello: () => {},
      onMetric: (event, c) => {
        metrics.push({ event, cursor: c });
        cursor = c;
      },
      onReset: (r) => {
        resets.push(r);
        cursor = r.cursor;
      },
      onStatus: (_s, t) => t && transitions.push(t),
      onRecovered: (r) => recoveries.push(r),
    },
    ...options,
  });
  return manager;
}

/** Starts, answers the first request with hello, and returns the open stream. */
async function startLive(): Promise<FakeStream> {
  create().start();
  const stream = fake.last().open();
  stream.send(hello());
  await settle();
  return stream;
}

beforeEach(() => {
  fake = createFakeEnv();
  transitions = [];
  metrics = [];
  resets = [];
  recoveries = [];
  cursor = null;
});

describe('connecting and live', () => {
  it('goes connecting → live on hello and passes metrics on with their cursors', async () => {
    create().start();
    expect(state()).toBe('connecting');
    expect(fake.requests).toHaveLength(1);
    const stream = fake.last().open();
    stream.send(hello() + metric(1) + metric(2));
    await settle();
    expect(state()).toBe('live');
    expect(status()).toMatchObject({ epoch: 'ep1', heartbeatMs: HEARTBEAT });
    expect(metrics.map((m) => m.cursor)).toEqual(['ep1.1', 'ep1.2']);
    expect(transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['connecting→live']);
  });

  it('gives every transition a readable reason', async () => {
    const stream = await startLive();
    stream.cut();
    await settle();
    await fake.advance(5000);
    expect(transitions.length).toBeGreaterThan(2);
    for (const t of transitions) expect(t.reason.length).toBeGreaterThan(3);
  });

  it('sends no cursor on a first connect, and asks for an event stream', async () => {
    create().start();
    expect(fake.last().url).toBe('/api/stream');
    expect(fake.last().headers).toEqual({ Accept: 'text/event-stream' });
  });
});

describe('reconnecting', () => {
  it('after a cut: reconnecting with a countdown, then resumes from the last applied cursor', async () => {
    const stream = await startLive();
    stream.send(metric(1) + metric(2));
    await settle();
    stream.cut();
    await settle();
    expect(state()).toBe('reconnecting');
    // random = 0.5 of the first window (the server's retry: 1000 ms).
    expect(status().retryAt).toBe(fake.now + 500);
    expect(fake.requests).toHaveLength(1);

    await fake.advance(500);
    expect(fake.requests).toHaveLength(2);
    expect(fake.last().url).toBe('/api/stream?lastEventId=ep1.2');
    expect(fake.last().headers['Last-Event-ID']).toBe('ep1.2');
    fake.last().open().send(hello({ resumed: true, replayed: 3 }) + metric(3));
    await settle();
    expect(state()).toBe('live');
    expect(recoveries).toEqual([{ outageMs: 500, replayed: 3, reset: null }]);
  });

  it('backs off exponentially with full jitter from the server retry, capped', async () => {
    fake.setRandom(1);
    create({ maxBackoffMs: 8000 }).start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      fake.last().refuse();
      await settle();
      const at = status().retryAt!;
      delays.push(at - fake.now);
      await fake.advance(at - fake.now);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(status().attempt).toBe(6);
  });

  it('adopts the server retry: as the base', async () => {
    fake.setRandom(1);
    create().start();
    const stream = fake.last().open();
    stream.send(encodeRetry(3000) + hello().replace('retry: 1000\n\n', ''));
    await settle();
    stream.end();
    await settle();
    expect(status().retryAt! - fake.now).toBe(3000);
  });

  it('resets the backoff after a healthy stream, not after a short one', async () => {
    fake.setRandom(1);
    create({ healthyAfterMs: 5000 }).start();
    fake.last().refuse();
    await settle();
    await fake.advance(1000);
    fake.last().refuse();
    await settle();
    await fake.advance(2000);
    // Third try opens but dies at once: the window keeps growing.
    let stream = fake.last().open();
    stream.send(hello());
    await settle();
    stream.end();
    await settle();
    expect(status().retryAt! - fake.now).toBe(4000);
    await fake.advance(4000);
    // This one stays live long enough to count as healthy.
    stream = fake.last().open();
    stream.send(hello());
    await settle();
    for (let i = 0; i < 6; i += 1) {
      stream.send(encodeComment('keep-alive'));
      await fake.advance(900);
    }
    stream.end();
    await settle();
    expect(status().retryAt! - fake.now).toBe(1000);
  });

  it('honours 503 Retry-After instead of its own backoff', async () => {
    create().start();
    fake.last().respond(503, JSON.stringify({ error: { code: 'too_many_connections', message: 'full' } }), { 'Retry-After': '3', 'content-type': 'application/json' });
    await settle();
    expect(state()).toBe('reconnecting');
    expect(status().reason).toMatch(/503.*full/);
    // 3 s plus up to 10% jitter (random = 0.5 → 5%).
    expect(status().retryAt! - fake.now).toBe(3150);
    await fake.advance(3100);
    expect(fake.requests).toHaveLength(1);
    await fake.advance(50);
    expect(fake.requests).toHaveLength(2);
  });

  it.each([408, 429, 500, 502, 503])('retries after HTTP %i', async (code) => {
    create().start();
    fake.last().respond(code);
    await settle();
    expect(state()).toBe('reconnecting');
    await fake.advance(30_000);
    expect(fake.requests.length).toBeGreaterThan(1);
  });
});

describe('failed', () => {
  it.each([400, 401, 403, 404])('stops on HTTP %i with the server message, and never retries by itself', async (code) => {
    create().start();
    fake.last().respond(code, JSON.stringify({ error: { code: 'x', message: 'not for you' } }), { 'content-type': 'application/json' });
    await settle();
    expect(state()).toBe('failed');
    expect(status().error).toBe('not for you');
    await fake.advance(10 * 60_000);
    fake.setOnline(false);
    fake.setOnline(true);
    fake.becomeVisible();
    await settle();
    expect(fake.requests).toHaveLength(1);
    expect(fake.pendingTimers()).toBe(0);
  });

  it('treats a 200 that is not an event stream as a failure to retry', async () => {
    create().start();
    fake.last().respond(200, '<html>', { 'content-type': 'text/html' });
    await settle();
    expect(state()).toBe('reconnecting');
    expect(status().reason).toMatch(/content type/);
  });

  it('reconnects from failed when asked to', async () => {
    create().start();
    fake.last().respond(401);
    await settle();
    manager.reconnectNow();
    expect(fake.requests).toHaveLength(2);
    expect(state()).toBe('reconnecting');
  });
});

describe('stall watchdog', () => {
  it('declares a silent stream stale after 2.5× the heartbeat, aborts it and reconnects', async () => {
    const stream = await startLive();
    stream.send(metric(1));
    await settle();
    await fake.advance(2499);
    expect(state()).toBe('live');
    await fake.advance(1);
    expect(state()).toBe('stale');
    expect(status().reason).toBe('no bytes for 2.5 s');
    expect(fake.requests[0]?.aborted).toBe(true);
    await fake.advance(status().retryAt! - fake.now);
    expect(fake.requests).toHaveLength(2);
    expect(fake.last().headers['Last-Event-ID']).toBe('ep1.1');
    fake.last().open().send(hello({ resumed: true }));
    await settle();
    expect(state()).toBe('live');
  });

  it('also gives up on a request that never gets a response', async () => {
    const stream = await startLive();
    stream.cut();
    await settle();
    await fake.advance(status().retryAt! - fake.now);
    expect(fake.requests).toHaveLength(2);
    // The new request hangs: no response, no bytes (a stalled proxy, a dead route).
    await fake.advance(2500);
    expect(state()).toBe('stale');
    expect(fake.requests[1]?.aborted).toBe(true);
  });

  it('is fed by heartbeat comments, which are not events', async () => {
    const stream = await startLive();
    for (let i = 0; i < 10; i += 1) {
      await fake.advance(HEARTBEAT);
      stream.send(encodeComment('keep-alive'));
      await settle();
    }
    expect(state()).toBe('live');
    expect(fake.requests).toHaveLength(1);
  });

  it('catches a stall noticed late in a hidden tab as soon as it becomes visible', async () => {
    await startLive();
    // Background tabs throttle timers: time passes but the watchdog has not fired.
    fake.jump(10_000);
    expect(state()).toBe('live');
    fake.becomeVisible();
    expect(state()).toBe('stale');
  });

  it('leaves a healthy stream alone when the tab becomes visible', async () => {
    const stream = await startLive();
    await fake.advance(1000);
    stream.send(encodeComment('keep-alive'));
    await settle();
    fake.becomeVisible();
    expect(state()).toBe('live');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('offline and visibility', () => {
  it('waits offline instead of retrying, and reconnects at once when back online', async () => {
    const stream = await startLive();
    fake.setOnline(false);
    // An open stream is kept: browser "offline" does not prove it is down.
    expect(state()).toBe('live');
    stream.cut();
    await settle();
    expect(state()).toBe('offline');
    await fake.advance(60_000);
    expect(fake.requests).toHaveLength(1);
    fake.setOnline(true);
    expect(fake.requests).toHaveLength(2);
    expect(state()).toBe('reconnecting');
  });

  it('goes offline from a scheduled retry when the browser goes offline', async () => {
    const stream = await startLive();
    stream.end();
    await settle();
    expect(state()).toBe('reconnecting');
    fake.setOnline(false);
    expect(state()).toBe('offline');
    expect(status().retryAt).toBeNull();
    expect(fake.pendingTimers()).toBe(0);
  });

  it('starts offline when the browser is offline', async () => {
    fake.setOnline(false);
    create().start();
    expect(state()).toBe('offline');
    expect(fake.requests).toHaveLength(0);
  });

  it('reconnects at once when the tab becomes visible during a backoff wait', async () => {
    const stream = await startLive();
    stream.end();
    await settle();
    expect(fake.requests).toHaveLength(1);
    fake.becomeVisible();
    expect(fake.requests).toHaveLength(2);
  });
});

describe('resync after a reset', () => {
  /** Live with one metric applied, then a cut, then the retry timer fires (a new request waits). */
  async function cutAfterOneMetricAndRetry() {
    const stream = await startLive();
    stream.send(metric(1));
    await settle();
    stream.cut();
    await settle();
    await fake.advance(status().retryAt! - fake.now);
  }

  it('goes resyncing on a refused cursor and hands the reset over', async () => {
    await cutAfterOneMetricAndRetry();
    expect(fake.last().headers['Last-Event-ID']).toBe('ep1.1');
    fake.last().open().send(hello({ epoch: 'ep2', resumed: false }) + encodeJsonEvent('reset', reset, reset.cursor));
    await settle();
    expect(state()).toBe('resyncing');
    expect(status().reason).toBe('reset: epoch_changed');
    expect(status().epoch).toBe('ep2');
    expect(resets).toEqual([reset]);
    // Not live (and no recovery reported) until live data flows again.
    expect(recoveries).toEqual([]);
  });

  it('reports the recovery with the reset after the first live metric', async () => {
    await cutAfterOneMetricAndRetry();
    const next = fake.last().open();
    next.send(hello({ epoch: 'ep2' }) + encodeJsonEvent('reset', reset, reset.cursor));
    await settle();
    await fake.advance(1000);
    next.send(metric(2, 'ep2'));
    await settle();
    expect(state()).toBe('live');
    expect(recoveries).toEqual([{ outageMs: 1500, replayed: 0, reset }]);
  });
});

describe('stop', () => {
  it('aborts the stream, clears timers and ignores late events', async () => {
    const stream = await startLive();
    manager.stop();
    expect(fake.requests[0]?.aborted).toBe(true);
    expect(fake.pendingTimers()).toBe(0);
    const count = transitions.length;
    await fake.advance(60_000);
    fake.setOnline(false);
    fake.setOnline(true);
    expect(() => stream.send(metric(9))).toThrow();
    expect(transitions.length).toBe(count);
    expect(fake.requests).toHaveLength(1);
  });
});
