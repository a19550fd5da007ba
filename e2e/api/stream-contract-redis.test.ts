import { assertExactlyOnce } from '../kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForHealth } from '../fixtures/health';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { FIRST_FEED, SECOND_FEED } from '../fixtures/test-config';

/**
 * Both stream paths on one Redis: the raw path uses the same bus as the route handler, so a
 * cursor from one resumes on the other with no gap and no reset (docs/scaling-out.md).
 */

describe.runIf(canRun('redis-server', 'Stream paths on Redis'))('both stream paths on one Redis', () => {
  let redis: RedisServer;
  let route: NextServer;
  let raw: NextServer;
  const open: SseClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const env = { AUTH_MODE: 'off', REDIS_URL: redis.url, METRICS_INTERVAL_MS: '100' };
    [route, raw] = await Promise.all([
      startNextServer({ env: { ...env, INSTANCE_ID: 'route' } }),
      startNextServer({ env: { ...env, INSTANCE_ID: 'raw' }, streamPath: 'raw' }),
    ]);
    // One of the two holds the producer lease; wait until the shared log moves.
    await waitForHealth(route.url, (h) => h.status === 'ok' && h.bus.head !== null, { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    await Promise.all([route?.stop('SIGKILL'), raw?.stop('SIGKILL')]);
    await redis?.stop();
  });

  const connect = async (server: NextServer, headers?: Record<string, string>) => {
    const client = await connectSse(
      `${server.url}/api/stream?feeds=${FIRST_FEED},${SECOND_FEED}`,
      headers ? { headers } : {},
    );
    open.push(client);
    return client;
  };

  it.each([
    ['raw', 'route'],
    ['route', 'raw'],
  ] as const)('a cursor from the %s path resumes on the %s path without a gap', async (from, to) => {
    const servers = { route: () => route, raw: () => raw };
    const first = await connect(servers[from]());
    await first.waitFor((c) => c.metrics().length >= 4, 10_000, '2 ticks');
    expect(first.hello()?.bus).toBe('redis');
    first.close();
    const before = first.metrics();

    const second = await connect(servers[to](), { 'Last-Event-ID': first.lastCursor()! });
    await second.waitFor((c) => c.metrics().length >= 4, 10_000, '2 more ticks');
    expect(second.hello()).toMatchObject({ bus: 'redis', resumed: true, epoch: first.hello()?.epoch });
    expect(second.resets()).toEqual([]);
    assertExactlyOnce([...before, ...second.metrics()]);
  });
});
