import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';

/** Limits that need their own server config: the connection cap and replay-window eviction. */

let server: NextServer;
const open: SseClient[] = [];

beforeAll(async () => {
  server = await startNextServer({
    env: { METRICS_INTERVAL_MS: '20', SSE_REPLAY_CAPACITY: '64', SSE_MAX_CONNECTIONS: '2', SSE_RETRY_MS: '2500' },
  });
});

afterAll(async () => {
  open.forEach((client) => client.close());
  await server?.stop('SIGKILL');
});

const health = async () =>
  (await (await fetch(`${server.url}/api/health`)).json()) as {
    connections: number;
    bus: { head: string; retained: number };
  };

describe('connection cap', () => {
  it('answers 503 JSON with Retry-After past SSE_MAX_CONNECTIONS, and accepts again once a slot frees', async () => {
    const a = await connectSse(`${server.url}/api/stream?feeds=cpu`);
    const b = await connectSse(`${server.url}/api/stream?feeds=cpu`);
    open.push(a, b);
    expect([a.response.status, b.response.status]).toEqual([200, 200]);

    const refused = await fetch(`${server.url}/api/stream`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_connections');

    a.close();
    await expect.poll(async () => (await health()).connections, { timeout: 5000 }).toBe(1);
    const c = await connectSse(`${server.url}/api/stream?feeds=cpu`);
    open.push(c);
    expect(c.response.status).toBe(200);
    b.close();
    c.close();
    await expect.poll(async () => (await health()).connections, { timeout: 5000 }).toBe(0);
  });
});

describe('replay window', () => {
  it('answers a cursor whose events were evicted with reset cursor_evicted', async () => {
    const probe = await connectSse(`${server.url}/api/stream?feeds=cpu`);
    await probe.waitFor((c) => c.metrics().length >= 1, 5000, 'a metric');
    probe.close();
    const cursor = probe.metrics()[0]!.cursor;
    const offset = Number(cursor.split('.')[1]);
    // 64 events kept, 8 per tick: wait until the cursor has fallen out of the window.
    await expect
      .poll(async () => Number((await health()).bus.head.split('.')[1]) - offset, { timeout: 10_000 })
      .toBeGreaterThan(80);

    const client = await connectSse(`${server.url}/api/stream?feeds=cpu`, { headers: { 'Last-Event-ID': cursor } });
    open.push(client);
    await client.waitFor((c) => c.resets().length === 1, 5000, 'reset');
    expect(client.resets()[0]?.reason).toBe('cursor_evicted');
    expect(client.hello()?.resumed).toBe(false);
    client.close();
  });
});
