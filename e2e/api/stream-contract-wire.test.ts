import { assertExactlyOnce } from '../kit';
import { describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import { CURSOR_MAX_LENGTH } from '@/lib/sse/cursor';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import { STREAM_PATHS } from '../fixtures/next-server';
import { seqsByFeed } from '../fixtures/sse-client';
import { useStreamServer } from './support/stream-server';
import { FIRST_FEED, SECOND_FEED } from '../fixtures/test-config';

/**
 * Wire contract v1, the stream itself (docs/protocol.md): headers, preamble, metric events,
 * framing, heartbeats; against a real production server and a real SSE client, on both stream
 * paths (the route handler and the raw node:http path). Fast ticks and heartbeats keep it short.
 */

const INTERVAL_MS = 100;
const HEARTBEAT_MS = 400;
const RETRY_MS = 1500;
const FEED_COUNT = FEED_NAMES.length;

describe.each(STREAM_PATHS)('GET /api/stream wire format (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, {
    METRICS_INTERVAL_MS: String(INTERVAL_MS),
    SSE_HEARTBEAT_MS: String(HEARTBEAT_MS),
    SSE_RETRY_MS: String(RETRY_MS),
  });

  it('is a 200 event stream with anti-buffering headers, not compressed', async () => {
    const client = await api.connect('/api/stream', { 'Accept-Encoding': 'gzip, deflate, br' });
    const { headers, status } = client.response;
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(headers.get('content-encoding')).toBeNull();
    // No `Connection` header from the app: Node's HTTP/1.1 server adds its own, so that part
    // of the contract is asserted on SSE_HEADERS in lib/sse/wire.test.ts.
  });

  it('starts at once with retry and hello, before any metric', async () => {
    const started = Date.now();
    const client = await api.connect('/api/stream');
    await client.waitFor((c) => c.hello() !== undefined, 5000, 'hello');
    const [first, second] = client.records;
    expect(first).toMatchObject({ kind: 'retry', ms: RETRY_MS });
    expect(second).toMatchObject({ kind: 'event', event: 'hello' });
    expect(second?.at ?? Infinity).toBeLessThan(started + 2000);
    const hello = client.hello()!;
    expect(hello).toEqual({
      epoch: (await api.health()).epoch,
      heartbeatMs: HEARTBEAT_MS,
      dataIntervalMs: INTERVAL_MS,
      feeds: [...FEED_NAMES],
      resumed: false,
      replayed: 0,
      bus: 'memory',
      serverTime: expect.any(Number) as number,
    });
  });

  it('sends metric events with short ASCII cursors carrying the epoch, and {feed, seq, ts, value} with contiguous seqs', async () => {
    const client = await api.connect('/api/stream');
    await client.waitFor((c) => c.metrics().length >= FEED_COUNT * 5, 10_000, '5 ticks');
    const { epoch } = client.hello()!;
    const metrics = client.metrics();
    for (const m of metrics) {
      expect(m.cursor.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
      expect(m.cursor).toMatch(/^[\x21-\x7e]+$/);
      expect(m.cursor.startsWith(`${epoch}.`)).toBe(true);
      expect(Object.keys(m).sort()).toEqual(['cursor', 'feed', 'seq', 'ts', 'value']);
      expect(Math.abs(m.ts - Date.now())).toBeLessThan(60_000);
    }
    const seqs = seqsByFeed(metrics);
    expect([...seqs.keys()].sort()).toEqual([...FEED_NAMES].sort());
    assertExactlyOnce(metrics);
  });

  it('carries only the requested feeds', async () => {
    const client = await api.connect(`/api/stream?feeds=${FIRST_FEED},${SECOND_FEED}`);
    await client.waitFor((c) => c.metrics().length >= 6, 10_000, '3 ticks');
    expect(new Set(client.metrics().map((m) => m.feed))).toEqual(new Set([FIRST_FEED, SECOND_FEED]));
    expect(client.hello()?.feeds).toEqual([FIRST_FEED, SECOND_FEED]);
  });

  it('delivers one chunk per tick: a tick is never split across writes', async () => {
    const client = await api.connect('/api/stream');
    await client.waitFor((c) => c.metrics().length >= FEED_COUNT * 8, 10_000, '8 ticks');
    const metrics = client.records.filter((r) => r.kind === 'event' && r.event === 'metric');
    const chunksByTick = new Map<number, Set<number>>();
    for (const r of metrics) {
      if (r.kind !== 'event') continue;
      const { ts } = JSON.parse(r.data) as { ts: number };
      chunksByTick.set(ts, (chunksByTick.get(ts) ?? new Set()).add(r.chunk));
    }
    for (const chunks of chunksByTick.values()) expect(chunks.size).toBe(1);
    // Every tick carries every feed, so the ticks account for every event.
    expect(chunksByTick.size * FEED_COUNT).toBe(metrics.length);
  });

  it('sends a keep-alive comment every SSE_HEARTBEAT_MS', async () => {
    const client = await api.connect(`/api/stream?feeds=${FIRST_FEED}`);
    await client.waitFor((c) => c.records.filter((r) => r.kind === 'comment').length >= 4, 10_000, '4 heartbeats');
    const comments = client.records.filter((r) => r.kind === 'comment');
    expect(new Set(comments.map((r) => (r.kind === 'comment' ? r.text : '')))).toEqual(new Set(['keep-alive']));
    const times = comments.map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(HEARTBEAT_MS * 0.5);
      expect(gap).toBeLessThan(HEARTBEAT_MS * 1.8);
    }
  });

  it('is read by a native EventSource: hello, then metric events with lastEventId', async () => {
    const source = new EventSource(`${api.server.url}/api/stream?feeds=${FIRST_FEED}`);
    try {
      const seen = await new Promise<string[]>((resolve, reject) => {
        const ids: string[] = [];
        const timer = setTimeout(() => reject(new Error('no events')), 10_000);
        source.addEventListener('hello', () => ids.push('hello'));
        source.addEventListener('metric', (event) => {
          ids.push(event.lastEventId);
          if (ids.length === 4) {
            clearTimeout(timer);
            resolve(ids);
          }
        });
      });
      const { epoch } = await api.health();
      expect(seen[0]).toBe('hello');
      expect(seen.slice(1).every((id) => id.startsWith(`${epoch}.`))).toBe(true);
    } finally {
      source.close();
    }
  });
});

describe('the other endpoints (served by Next on both paths)', () => {
  const api = useStreamServer('route', { METRICS_INTERVAL_MS: String(INTERVAL_MS) });

  it('GET /api/feeds lists every feed with label, unit and bounds', async () => {
    const body = (await (await fetch(`${api.server.url}/api/feeds`)).json()) as {
      feeds: { name: string; label: string; unit: string; min: number; max: number; decimals: number }[];
    };
    expect(body.feeds.map((f) => f.name)).toEqual([...FEED_NAMES]);
    for (const feed of body.feeds) {
      expect(Object.keys(feed).sort()).toEqual(['decimals', 'label', 'max', 'min', 'name', 'unit']);
      expect(feed.max).toBeGreaterThan(feed.min);
    }
  });

  it('GET /api/health reports status, epoch, connections and bus', async () => {
    const body = await api.health();
    expect(body).toMatchObject({ status: 'ok', connections: 0, bus: { kind: 'memory', epoch: body.epoch } });
  });
});
