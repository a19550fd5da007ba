import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import { CURSOR_MAX_LENGTH } from '@/lib/sse/cursor';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import type { Snapshot } from '@/lib/metrics/events';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { connectSse, isContiguous, seqsByFeed, type SseClient } from '../fixtures/sse-client';

/**
 * Wire contract v1 against a real production server (`next start`) and a real SSE client.
 * Fast ticks and heartbeats keep the suite short; the contract is the same at any rate.
 */

const INTERVAL_MS = 100;
const HEARTBEAT_MS = 400;
const RETRY_MS = 1500;
const FEED_COUNT = FEED_NAMES.length;

let server: NextServer;
const open: SseClient[] = [];
const connect = async (path: string, headers?: Record<string, string>) => {
  const client = await connectSse(`${server.url}${path}`, headers ? { headers } : {});
  open.push(client);
  return client;
};
const health = async () =>
  (await (await fetch(`${server.url}/api/health`)).json()) as {
    connections: number;
    epoch: string;
    status: string;
    bus: { kind: string; head: string };
  };

beforeAll(async () => {
  server = await startNextServer({
    env: {
      METRICS_INTERVAL_MS: String(INTERVAL_MS),
      SSE_HEARTBEAT_MS: String(HEARTBEAT_MS),
      SSE_RETRY_MS: String(RETRY_MS),
    },
  });
});

afterAll(async () => {
  open.forEach((client) => client.close());
  await server?.stop('SIGKILL');
});

describe('GET /api/stream: response', () => {
  it('is a 200 event stream with anti-buffering headers, not compressed', async () => {
    const client = await connect('/api/stream', { 'Accept-Encoding': 'gzip, deflate, br' });
    const { headers, status } = client.response;
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(headers.get('content-encoding')).toBeNull();
    // No `Connection` header from the route: Node's HTTP/1.1 server adds its own, so that part
    // of the contract is asserted on SSE_HEADERS in lib/sse/wire.test.ts.
  });

  it('starts at once with retry and hello, before any metric', async () => {
    const started = Date.now();
    const client = await connect('/api/stream');
    await client.waitFor((c) => c.hello() !== undefined, 5000, 'hello');
    const [first, second] = client.records;
    expect(first).toMatchObject({ kind: 'retry', ms: RETRY_MS });
    expect(second).toMatchObject({ kind: 'event', event: 'hello' });
    expect(second?.at ?? Infinity).toBeLessThan(started + 2000);
    const hello = client.hello()!;
    expect(hello).toMatchObject({
      epoch: (await health()).epoch,
      heartbeatMs: HEARTBEAT_MS,
      feeds: [...FEED_NAMES],
      resumed: false,
      replayed: 0,
      bus: 'memory',
    });
    expect(typeof hello.serverTime).toBe('number');
  });
});

describe('GET /api/stream: metric events', () => {
  it('carry short ASCII cursors with the epoch, and {feed, seq, ts, value} with contiguous seqs', async () => {
    const client = await connect('/api/stream');
    await client.waitFor((c) => c.metrics().length >= FEED_COUNT * 5, 10_000, '5 ticks');
    const { epoch } = client.hello()!;
    const metrics = client.metrics();
    for (const m of metrics) {
      expect(m.cursor.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
      expect(m.cursor).toMatch(/^[\x21-\x7e]+$/);
      expect(m.cursor.startsWith(epoch)).toBe(true);
      expect(Object.keys(m).sort()).toEqual(['cursor', 'feed', 'seq', 'ts', 'value']);
      expect(Math.abs(m.ts - Date.now())).toBeLessThan(60_000);
    }
    const seqs = seqsByFeed(metrics);
    expect([...seqs.keys()].sort()).toEqual([...FEED_NAMES].sort());
    for (const list of seqs.values()) expect(isContiguous(list)).toBe(true);
  });

  it('carry only the requested feeds', async () => {
    const client = await connect('/api/stream?feeds=cpu,rps');
    await client.waitFor((c) => c.metrics().length >= 6, 10_000, '3 ticks');
    expect(new Set(client.metrics().map((m) => m.feed))).toEqual(new Set(['cpu', 'rps']));
    expect(client.hello()?.feeds).toEqual(['cpu', 'rps']);
  });

  it('arrive one chunk per tick: a tick is never split across writes', async () => {
    const client = await connect('/api/stream');
    await client.waitFor((c) => c.metrics().length >= FEED_COUNT * 8, 10_000, '8 ticks');
    const records = client.records.filter((r) => r.kind === 'event' && r.event === 'metric');
    const byTick = new Map<string, Set<number>>();
    for (const r of records) {
      if (r.kind !== 'event') continue;
      const { ts } = JSON.parse(r.data) as { ts: number };
      byTick.set(String(ts), (byTick.get(String(ts)) ?? new Set()).add(r.chunk));
    }
    // Every tick's events were parsed out of one single chunk.
    for (const chunks of byTick.values()) expect(chunks.size).toBe(1);
    expect(byTick.size).toBeGreaterThanOrEqual(8);
  });

  it('are followed by keep-alive comments every SSE_HEARTBEAT_MS', async () => {
    const client = await connect('/api/stream?feeds=cpu');
    await client.waitFor((c) => c.records.filter((r) => r.kind === 'comment').length >= 4, 10_000, '4 heartbeats');
    const times = client.records.filter((r) => r.kind === 'comment').map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(HEARTBEAT_MS * 0.5);
      expect(gap).toBeLessThan(HEARTBEAT_MS * 1.8);
    }
  });
});

describe('GET /api/stream: resume by cursor', () => {
  it('replays exactly the missed events after a cut, then goes live: no gap, no duplicate', async () => {
    const first = await connect('/api/stream');
    await first.waitFor((c) => c.metrics().length >= FEED_COUNT * 3, 10_000, '3 ticks');
    first.close();
    const before = first.metrics();
    const cursor = first.lastCursor()!;
    // Let a few ticks pass while "disconnected".
    const headAtCut = (await health()).bus.head;
    await expect.poll(async () => (await health()).bus.head, { timeout: 5000 }).not.toBe(headAtCut);

    const second = await connect('/api/stream', { 'Last-Event-ID': cursor });
    await second.waitFor(
      (c) => (c.hello()?.replayed ?? 0) > 0 && c.metrics().length >= c.hello()!.replayed + FEED_COUNT * 3,
      10_000,
      'replay and 3 live ticks',
    );
    const hello = second.hello()!;
    expect(hello.resumed).toBe(true);
    expect(second.resets()).toEqual([]);

    const all = [...before, ...second.metrics()];
    const cursors = all.map((m) => m.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    for (const [feed, seqs] of seqsByFeed(all)) {
      expect({ feed, contiguous: isContiguous(seqs) }).toEqual({ feed, contiguous: true });
    }
  });

  it('accepts the cursor as ?lastEventId=, and the header wins over it', async () => {
    const probe = await connect('/api/stream?feeds=cpu');
    await probe.waitFor((c) => c.metrics().length >= 4, 10_000, '4 ticks');
    probe.close();
    const [older, , newer] = probe.metrics();

    const byQuery = await connect(`/api/stream?feeds=cpu&lastEventId=${encodeURIComponent(older!.cursor)}`);
    await byQuery.waitFor((c) => c.metrics().length >= 1, 5000, 'replay');
    expect(byQuery.metrics()[0]?.seq).toBe(older!.seq + 1);

    const both = await connect(`/api/stream?feeds=cpu&lastEventId=${encodeURIComponent(older!.cursor)}`, {
      'Last-Event-ID': newer!.cursor,
    });
    await both.waitFor((c) => c.metrics().length >= 1, 5000, 'replay');
    expect(both.metrics()[0]?.seq).toBe(newer!.seq + 1);
  });

  it.each([
    ['a malformed cursor', 'not a cursor', 'cursor_invalid'],
    ['a cursor from the future', 'EPOCH.999999999', 'cursor_invalid'],
    ['a cursor from another epoch', 'zz00other.5', 'epoch_changed'],
  ])('answers %s with a reset and a snapshot before any live metric', async (_label, raw, reason) => {
    const cursor = raw.replace('EPOCH', (await health()).epoch);
    const client = await connect('/api/stream?feeds=cpu,memory', { 'Last-Event-ID': cursor });
    await client.waitFor((c) => c.metrics().length >= 2, 10_000, 'a live tick');
    const events = client.records.filter((r) => r.kind === 'event').map((r) => (r.kind === 'event' ? r.event : ''));
    expect(events.slice(0, 2)).toEqual(['hello', 'reset']);
    expect(client.hello()).toMatchObject({ resumed: false, replayed: 0 });
    const [reset] = client.resets();
    expect(reset?.reason).toBe(reason);
    expect(Object.keys(reset?.feeds ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(reset?.feeds.cpu?.ts.length).toBeGreaterThan(0);
    // The reset carries the snapshot cursor as its id, and live events continue right after it.
    const resetRecord = client.records.find((r) => r.kind === 'event' && r.event === 'reset');
    expect(resetRecord?.kind === 'event' && resetRecord.id).toBe(reset?.cursor);
    const cpu = reset!.feeds.cpu!;
    expect(client.metrics().find((m) => m.feed === 'cpu')?.seq).toBe(cpu.firstSeq + cpu.ts.length);
  });
});

describe('snapshot, feeds and health', () => {
  it('GET /api/snapshot returns windows and a cursor that resumes without a gap', async () => {
    const response = await fetch(`${server.url}/api/snapshot?feeds=cpu`);
    expect(response.status).toBe(200);
    const snap = (await response.json()) as Snapshot;
    const cpu = snap.feeds.cpu!;
    expect(cpu.ts.length).toBe(cpu.value.length);
    expect(cpu.ts.length).toBeGreaterThan(0);
    const client = await connect(`/api/stream?feeds=cpu&lastEventId=${snap.cursor}`);
    await client.waitFor((c) => c.metrics().length >= 2, 5000, 'live');
    expect(client.hello()?.resumed).toBe(true);
    expect(client.metrics()[0]?.seq).toBe(cpu.firstSeq + cpu.ts.length);
  });

  it('GET /api/feeds lists every feed with label, unit and bounds', async () => {
    const body = (await (await fetch(`${server.url}/api/feeds`)).json()) as {
      feeds: { name: string; unit: string; min: number; max: number }[];
    };
    expect(body.feeds.map((f) => f.name)).toEqual([...FEED_NAMES]);
    expect(body.feeds.length).toBeGreaterThanOrEqual(6);
    for (const feed of body.feeds) expect(feed.max).toBeGreaterThan(feed.min);
  });

  it('GET /api/health reports status, epoch, connections and bus', async () => {
    const body = await health();
    expect(body).toMatchObject({ status: 'ok', bus: { kind: 'memory' } });
    expect(typeof body.connections).toBe('number');
  });

  it('counts a stream while open and forgets it once the client disconnects', async () => {
    // Other tests' streams are closed by now or soon; measure relative to a settled baseline.
    open.splice(0).forEach((client) => client.close());
    await expect.poll(async () => (await health()).connections, { timeout: 5000 }).toBe(0);
    const client = await connect('/api/stream?feeds=cpu');
    await client.waitFor((c) => c.hello() !== undefined, 5000, 'hello');
    expect((await health()).connections).toBe(1);
    client.close();
    await expect.poll(async () => (await health()).connections, { timeout: 5000 }).toBe(0);
  });
});

describe('bad input', () => {
  it.each([
    ['/api/stream?feeds=nope', 'unknown_feed'],
    ['/api/stream?feeds=', 'invalid_query'],
    ['/api/stream?feeds=cpu&feeds=rps', 'invalid_query'],
    ['/api/snapshot?feeds=cpu,nope', 'unknown_feed'],
  ])('%s → 400 JSON %s', async (path, code) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it('names the unknown feeds, quoted and cut short', async () => {
    const body = (await (await fetch(`${server.url}/api/stream?feeds=cpu,${'x'.repeat(100)}`)).json()) as {
      error: { message: string };
    };
    expect(body.error.message).toBe(`unknown feed(s): "${'x'.repeat(40)}"; see /api/feeds`);
  });

  it.each(['GET', 'POST'])('%s on an unknown /api path → 404 JSON', async (method) => {
    const response = await fetch(`${server.url}/api/nope/deeper`, { method });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s /api/stream → 405 JSON with Allow: GET', async (method) => {
    const response = await fetch(`${server.url}/api/stream`, { method, body: method === 'DELETE' ? null : 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });

  it('a huge or binary Last-Event-ID is an in-band reset, not an error', async () => {
    const client = await connect('/api/stream?feeds=cpu', { 'Last-Event-ID': `${'x'.repeat(4000)}\u00ff` });
    expect(client.response.status).toBe(200);
    await client.waitFor((c) => c.resets().length === 1, 5000, 'reset');
    expect(client.resets()[0]?.reason).toBe('cursor_invalid');
  });

  it('never crashed the server', async () => {
    expect((await health()).status).toBe('ok');
    expect(server.output()).not.toMatch(/unhandled|TypeError|ReferenceError/i);
  });
});

describe('native EventSource client', () => {
  it('consumes the stream: hello, then metric events with lastEventId', async () => {
    const source = new EventSource(`${server.url}/api/stream?feeds=cpu`);
    try {
      const ids = await new Promise<string[]>((resolve, reject) => {
        const seen: string[] = [];
        const timer = setTimeout(() => reject(new Error('no events')), 10_000);
        source.addEventListener('hello', () => seen.push('hello'));
        source.addEventListener('metric', (event) => {
          seen.push(event.lastEventId);
          if (seen.length >= 4) {
            clearTimeout(timer);
            resolve(seen);
          }
        });
      });
      expect(ids[0]).toBe('hello');
      expect(ids.slice(1).every((id) => id.includes('.'))).toBe(true);
    } finally {
      source.close();
    }
  });
});
