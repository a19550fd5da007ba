import { assertExactlyOnce } from '../kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { NextServer, StartOptions } from '../fixtures/next-server';
import { endsWithin, health, resumeFrom, startRedisApp, until } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse } from '../fixtures/sse-client';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * Redis answers, but refuses: out of memory under `noeviction` (OOM), a script hogging it
 * (BUSY), a replica after a failover (READONLY). The instance must say `degraded` (nobody can
 * publish, so a feed would freeze), end its streams, answer new ones in-band, and come back by
 * itself once Redis accepts writes again: the epoch check is retried with backoff, with no
 * reconnect and no restart needed.
 */

const servers: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0).reverse()) await server.stop();
});

async function redisWith(args: string[] = []): Promise<RedisServer> {
  const redis = await startRedis({ args });
  servers.push(redis);
  return redis;
}

async function app(redis: RedisServer, startedWhen: StartOptions['startedWhen'] = 'ready'): Promise<NextServer> {
  const server = await startRedisApp(redis.url, {}, startedWhen);
  servers.push({ stop: () => server.stop('SIGKILL') });
  return server;
}

/**
 * `maxmemory 1mb` with `noeviction`: an idle redis-server 7 already uses about 0.9 MB, so with
 * the app's data and connections on top, every write is refused with OOM at once.
 */
async function outOfMemory(redis: RedisServer): Promise<void> {
  await redis.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  await redis.command('CONFIG', 'SET', 'maxmemory', '1mb');
  await redis.command('SET', 'probe', 'x'.repeat(64 * 1024)).then(
    () => expect.fail('Redis still accepts writes'),
    (error: unknown) => expect(String(error)).toMatch(/OOM/),
  );
}

/** ~1 MB of unrelated data, so the instance's own usage alone is over `maxmemory 1mb`. */
async function padMemory(redis: RedisServer): Promise<void> {
  for (let i = 0; i < 16; i += 1) await redis.command('SET', `pad:${i}`, 'x'.repeat(64 * 1024));
}

const unlimited = (redis: RedisServer) => redis.command('CONFIG', 'SET', 'maxmemory', '0').then(() => {});

/** Degraded and honest while refused; then recovered, with the old cursor resumed or reset. */
async function expectRefusedThenRecovered(
  server: NextServer,
  refuse: () => Promise<void>,
  accept: () => Promise<void>,
  afterRecovery: 'resumed' | 'epoch_changed',
) {
  await until(async () => (await health(server)).status === 'ok', 15_000, 'health ok');
  const open = await connectSse(`${server.url}/api/stream?feeds=${FIRST_FEED}`);
  await open.waitFor((c) => c.metrics().length >= 3, 10_000, '3 metrics');

  await refuse();
  await until(async () => (await health(server)).status === 'degraded', 6000, 'degraded');
  expect(await endsWithin(open, 5000)).not.toBe('aborted');
  const refused = await connectSse(`${server.url}/api/stream?feeds=${FIRST_FEED}`);
  expect(await endsWithin(refused, 5000)).toBe('end');
  expect(refused.records.map((r) => r.kind)).toEqual(['retry', 'comment']);
  expect((await fetch(`${server.url}/api/snapshot`)).status).toBe(503);

  await accept();
  await until(async () => (await health(server)).status === 'ok', 15_000, 'ok again, by itself');
  const back = await resumeFrom(server, open.lastCursor()!);
  await back.waitFor((c) => c.metrics().length >= 3, 10_000, '3 metrics after recovery');
  if (afterRecovery === 'resumed') {
    expect(back.hello()).toMatchObject({ resumed: true });
    assertExactlyOnce([...open.metrics(), ...back.metrics()]);
  } else {
    expect(back.resets().map((r) => r.reason)).toEqual(['epoch_changed']);
    assertExactlyOnce(back.metrics());
  }
  back.close();
}

describe.runIf(canRun('redis-server', 'Redis refusal tests'))('a Redis that refuses writes', () => {
  it('OOM under maxmemory 1mb noeviction while running', async () => {
    const redis = await redisWith();
    // Some data first, so the OOM hits a log with history.
    await padMemory(redis);
    const server = await app(redis);
    await expectRefusedThenRecovered(
      server,
      () => outOfMemory(redis),
      () => unlimited(redis),
      'resumed',
    );
  });

  it('OOM at start-up: the epoch bootstrap is retried with backoff until Redis has room', async () => {
    const redis = await redisWith();
    await padMemory(redis);
    await outOfMemory(redis);
    const server = await app(redis, 'alive'); // not ready until Redis has room
    expect(await health(server)).toMatchObject({ status: 'degraded', epoch: '' });
    expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(503);
    expect((await fetch(`${server.url}/api/snapshot`)).status).toBe(503);
    await unlimited(redis);
    await until(async () => (await health(server)).status === 'ok', 10_000, 'ok after the bootstrap retry');
    expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(200);
    const stream = await connectSse(`${server.url}/api/stream?feeds=${FIRST_FEED}`);
    await stream.waitFor((c) => c.metrics().length >= 3, 10_000, '3 metrics');
    assertExactlyOnce(stream.metrics());
    stream.close();
  });

  it('BUSY: a script hogging Redis, then SCRIPT KILL', async () => {
    const redis = await redisWith(['--busy-reply-threshold', '100']);
    const server = await app(redis);
    let hog: Promise<unknown> = Promise.resolve();
    await expectRefusedThenRecovered(
      server,
      async () => {
        hog = redis.command('EVAL', 'while true do end', 0).catch(() => 'killed');
        await until(
          async () => String(await redis.command('PING').catch((e: unknown) => e)).includes('BUSY'),
          5000,
          'BUSY',
        );
      },
      async () => {
        await redis.command('SCRIPT', 'KILL');
        expect(await hog).toBe('killed');
      },
      'resumed',
    );
  });

  it('READONLY: Redis becomes a replica (a failover), then a primary again', async () => {
    const primary = await redisWith();
    const redis = await redisWith();
    const server = await app(redis);
    await expectRefusedThenRecovered(
      server,
      async () => {
        // It syncs the (empty) primary's dataset and refuses writes.
        await redis.command('REPLICAOF', '127.0.0.1', primary.port);
        await until(
          async () => String(await redis.command('INFO', 'replication')).includes('master_link_status:up'),
          10_000,
          'the replica in sync',
        );
      },
      async () => {
        await redis.command('REPLICAOF', 'NO', 'ONE');
      },
      // The replica took the primary's data: the log this instance knew is gone.
      'epoch_changed',
    );
  });
});
