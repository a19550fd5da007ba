import { describe, expect, it } from 'vitest';
import { STREAM_PATHS } from '../fixtures/next-server';
import { useStreamServer } from './support/stream-server';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * Wire contract v1, limits (docs/protocol.md): open streams are counted and forgotten, the
 * connection cap answers 503 with Retry-After, and a cursor that fell out of the replay window
 * gets an in-band reset. On both stream paths, with a tiny cap and window.
 */

describe.each(STREAM_PATHS)('limits (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, {
    METRICS_INTERVAL_MS: '20',
    SSE_REPLAY_CAPACITY: '64',
    SSE_MAX_CONNECTIONS: '2',
    SSE_RETRY_MS: '2500',
  });

  it('counts a stream while it is open and forgets it once the client disconnects', async () => {
    const client = await api.connect(`/api/stream?feeds=${FIRST_FEED}`);
    await client.waitFor((c) => c.hello() !== undefined, 5000, 'hello');
    const before = await api.health();
    expect(before.connections).toBe(1);
    client.close();
    const after = await api.waitForHealth((h) => h.connections === 0, 'the stream forgotten');
    expect(after.streams.closed.client_gone).toBe(before.streams.closed.client_gone + 1);
  });

  it('answers 503 JSON with Retry-After past SSE_MAX_CONNECTIONS, and accepts again once a slot frees', async () => {
    const a = await api.connect(`/api/stream?feeds=${FIRST_FEED}`);
    const b = await api.connect(`/api/stream?feeds=${FIRST_FEED}`);
    expect([a.response.status, b.response.status]).toEqual([200, 200]);

    // A client that reads status codes (ours says so) gets the 503.
    const refused = await fetch(`${api.server.url}/api/stream`, { headers: { 'X-Stream-Refusals': 'status' } });
    expect(refused.status).toBe(503);
    // SSE_RETRY_MS 2500 → 3 s, rounded up.
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(await refused.json()).toEqual({
      error: {
        code: 'too_many_connections',
        message: 'This server has reached SSE_MAX_CONNECTIONS; retry later.',
      },
    });

    // Anyone else (a native EventSource treats any non-200 as final) gets a 200 that says when
    // to come back and ends, so it does come back.
    const native = await api.connect('/api/stream', { 'X-Stream-Refusals': 'in-band' });
    expect(native.response.status).toBe(200);
    expect(await native.ended).toBe('end');
    expect(native.records.filter((r) => r.kind !== 'event')).toEqual([
      expect.objectContaining({ kind: 'retry', ms: 3000 }),
      expect.objectContaining({ kind: 'comment', text: 'server full (too_many_connections), retry later' }),
    ]);

    a.close();
    await api.waitForHealth((h) => h.connections === 1, 'a free slot');
    const c = await api.connect(`/api/stream?feeds=${FIRST_FEED}`);
    expect(c.response.status).toBe(200);
  });

  it('answers a cursor whose events were evicted with reset cursor_evicted', async () => {
    const probe = await api.connect(`/api/stream?feeds=${FIRST_FEED}`);
    await probe.waitFor((c) => c.metrics().length >= 1, 5000, 'a metric');
    probe.close();
    const cursor = probe.metrics()[0]!.cursor;
    const offset = Number(cursor.split('.')[1]);
    // 64 events kept, 8 per tick: wait until the cursor has fallen out of the window.
    await api.waitForHealth((h) => Number(h.bus.head?.split('.')[1]) - offset > 80, 'the cursor evicted');

    const client = await api.connect(`/api/stream?feeds=${FIRST_FEED}`, { 'Last-Event-ID': cursor });
    await client.waitFor((c) => c.resets().length === 1, 5000, 'reset');
    expect(client.resets()[0]?.reason).toBe('cursor_evicted');
    expect(client.hello()?.resumed).toBe(false);
  });
});
