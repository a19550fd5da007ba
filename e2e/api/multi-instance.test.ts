import { assertExactlyOnce } from '../kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_NAMES } from '../../lib/metrics/feeds';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { readiness } from '../fixtures/health';
import { health, until } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse } from '../fixtures/sse-client';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * Two app instances on one Redis: a stream opened on A, A killed with SIGKILL, the same cursor
 * resumed on B with no reset, no gap and no duplicate, and production back within 5 s.
 */

describe.runIf(canRun('redis-server', 'multi-instance tests'))('two instances on one Redis', () => {
  let redis: RedisServer;
  let a: NextServer;
  let b: NextServer;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { AUTH_MODE: 'off', REDIS_URL: redis.url, METRICS_INTERVAL_MS: '100', SSE_HEARTBEAT_MS: '1000' };
    a = await startNextServer({ env: { ...env, INSTANCE_ID: 'a' } });
    // A is the producer before B exists, so killing A exercises the failover.
    await until(async () => (await health(a)).producer.leader, 10_000, 'A to lead');
    b = await startNextServer({ env: { ...env, INSTANCE_ID: 'b' } });
    await until(async () => (await health(b)).status === 'ok', 10_000, 'B ok');
  });

  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    await redis?.stop();
  });

  it('both instances share the epoch and report the redis bus; only one produces', async () => {
    const [ha, hb] = await Promise.all([health(a), health(b)]);
    expect(ha.bus.kind).toBe('redis');
    expect(ha.epoch).toBe(hb.epoch);
    expect([ha.producer.leader, hb.producer.leader]).toEqual([true, false]);
  });

  it('a cursor from A resumes on B after A is killed: no reset, no gap, no duplicate; production resumes within 5 s', async () => {
    const onA = await connectSse(`${a.url}/api/stream`);
    await onA.waitFor((c) => c.metrics().length >= FEED_NAMES.length * 5, 10_000, '5 ticks on A');
    onA.close();
    const before = onA.metrics();
    const cursor = onA.lastCursor()!;

    const killedAt = Date.now();
    await a.stop('SIGKILL');
    const onB = await connectSse(`${b.url}/api/stream`, { headers: { 'Last-Event-ID': cursor } });
    await onB.waitFor((c) => c.hello() !== undefined, 5000, 'hello');
    expect(onB.hello()).toMatchObject({ resumed: true, bus: 'redis' });
    expect(onB.resets()).toEqual([]);

    // B takes the lease and produces: a tick newer than anything A published arrives in time.
    const newestBefore = Math.max(...before.map((m) => m.ts));
    await onB.waitFor((c) => c.metrics().some((m) => m.ts > newestBefore + 100), 6000, 'a tick produced by B');
    const firstNew = onB.metrics().find((m) => m.ts > newestBefore + 100)!;
    expect(firstNew.ts - killedAt).toBeLessThan(5000);
    expect((await health(b)).producer.leader).toBe(true);

    const all = [...before, ...onB.metrics()];
    expect(new Set(all.map((m) => m.cursor)).size).toBe(all.length);
    assertExactlyOnce(all);
    onB.close();
  });
});

describe.runIf(canRun('redis-server', 'Redis failure tests'))('an instance whose Redis goes away', () => {
  let redis: RedisServer;
  let app: NextServer;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startNextServer({ env: { AUTH_MODE: 'off', REDIS_URL: redis.url, METRICS_INTERVAL_MS: '100' } });
  });

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await redis?.stop();
  });

  it('says degraded, tells streams to retry without a 5xx, and recovers by itself', async () => {
    await expect.poll(async () => (await health(app)).status).toBe('ok');
    expect(await readiness(app.url)).toEqual({ status: 200, body: { ready: true, status: 'ok' } });
    const open = await connectSse(`${app.url}/api/stream?feeds=${FIRST_FEED}`);
    await open.waitFor((c) => c.metrics().length >= 1, 5000, 'a metric');

    await redis.stop();
    await expect.poll(async () => (await health(app)).status, { timeout: 10_000 }).toBe('degraded');
    // Alive (200: a restart would not bring Redis back) and still ready: every instance is
    // degraded together, and its in-band `retry:` is the answer, not a balancer's 503.
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect(await readiness(app.url)).toEqual({ status: 200, body: { ready: true, status: 'degraded' } });
    // Open streams are ended, so their clients come back and learn the state.
    expect(await open.ended).not.toBe('aborted');
    const refused = await connectSse(`${app.url}/api/stream?feeds=${FIRST_FEED}`);
    expect(refused.response.status).toBe(200);
    expect(await refused.ended).toBe('end');
    expect(refused.records.map((r) => r.kind)).toEqual(['retry', 'comment']);
    expect((await fetch(`${app.url}/api/stream?feeds=nope`)).status).toBe(400);

    await redis.start();
    await expect.poll(async () => (await health(app)).status, { timeout: 15_000 }).toBe('ok');
    expect(await readiness(app.url)).toEqual({ status: 200, body: { ready: true, status: 'ok' } });
    const back = await connectSse(`${app.url}/api/stream?feeds=${FIRST_FEED}`);
    // Redis came back empty: a new epoch, and production (this instance takes the lease again).
    await back.waitFor((c) => c.metrics().length >= 1, 10_000, 'a metric after recovery');
    expect(back.hello()?.epoch).not.toBe(open.hello()?.epoch);
    back.close();
  });

  it('starts degraded when Redis is unreachable at start-up, and serves the page anyway', async () => {
    const port = redis.port;
    await redis.stop();
    const lonely = await startNextServer({
      env: { AUTH_MODE: 'off', REDIS_URL: `redis://127.0.0.1:${port}` },
      startedWhen: 'alive', // it never becomes ready without Redis
    });
    try {
      expect(await health(lonely)).toMatchObject({
        status: 'degraded',
        bus: { kind: 'redis' },
      });
      expect(await readiness(lonely.url)).toEqual({ status: 503, body: { ready: false, status: 'degraded' } });
      expect((await fetch(`${lonely.url}/`)).status).toBe(200);
      expect((await fetch(`${lonely.url}/api/snapshot`)).status).toBe(503);
    } finally {
      await lonely.stop('SIGKILL');
      await redis.start();
    }
  });
});

describe.runIf(canRun('redis-server', 'multi-instance tests'))('two instances after Redis loses its data', () => {
  let redis: RedisServer;
  let a: NextServer;
  let b: NextServer;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { AUTH_MODE: 'off', REDIS_URL: redis.url, METRICS_INTERVAL_MS: '100', SSE_HEARTBEAT_MS: '1000' };
    [a, b] = await Promise.all([
      startNextServer({ env: { ...env, INSTANCE_ID: 'a' } }),
      startNextServer({ env: { ...env, INSTANCE_ID: 'b' } }),
    ]);
    await until(async () => (await health(a)).status === 'ok' && (await health(b)).status === 'ok', 10_000, 'both ok');
  });

  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    await redis?.stop();
  });

  it('both adopt the same one new epoch after FLUSHALL, and a stream on either continues it', async () => {
    const before = (await health(a)).epoch;
    expect((await health(b)).epoch).toBe(before);
    await redis.command('FLUSHALL');
    await expect
      .poll(
        async () => {
          const [ha, hb] = await Promise.all([health(a), health(b)]);
          return ha.epoch !== before && ha.epoch === hb.epoch && ha.status === 'ok' && hb.status === 'ok';
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    const after = (await health(a)).epoch;
    // Established once: each instance changed epoch exactly once, to the same one.
    for (const server of [a, b]) {
      const changes = server.output().match(/epoch changed \w+ -> \w+/g) ?? [];
      expect(changes).toEqual([`epoch changed ${before} -> ${after}`]);
    }
    // A cursor from A resumes on B in the new epoch.
    const onA = await connectSse(`${a.url}/api/stream?feeds=${FIRST_FEED}`);
    await onA.waitFor((c) => c.metrics().length >= 3, 10_000, '3 metrics on A');
    onA.close();
    const onB = await connectSse(`${b.url}/api/stream?feeds=${FIRST_FEED}`, {
      headers: { 'Last-Event-ID': onA.lastCursor()! },
    });
    await onB.waitFor((c) => c.metrics().length >= 3, 10_000, '3 metrics on B');
    expect(onB.hello()).toMatchObject({ epoch: after, resumed: true });
    assertExactlyOnce([...onA.metrics(), ...onB.metrics()]);
    onB.close();
  });
});
