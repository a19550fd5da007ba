import { assertExactlyOnce } from '../kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FEED_NAMES, type FeedName } from '@/lib/metrics/feeds';
import type { BusEvent, Sample } from '@/lib/server/bus';
import { createLeaderLease, type LeaderLease } from '@/lib/server/redis/leader-lease';
import { RedisBus } from '@/lib/server/redis/redis-bus';
import type { NextServer } from '../fixtures/next-server';
import { health, resumeFrom, startRedisApp, until } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { FIRST_FEED, SECOND_FEED } from '../fixtures/test-config';

/**
 * Cursors at the edges of the Redis log: ids that do not fit Redis's 64-bit parts never reach
 * Redis and get an in-band `reset` (never a dropped socket or a 5xx), and a resume racing the
 * trim is either exact or an honest `cursor_evicted`, never `resumed` with a hole.
 */

describe.runIf(canRun('redis-server', 'Redis cursor tests'))('cursors against the Redis log', () => {
  let redis: RedisServer;
  let app: NextServer;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startRedisApp(redis.url);
    await until(async () => (await health(app)).status === 'ok', 15_000, 'health ok');
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await redis?.stop();
  });

  it.each([
    ['a sequence part over 2^64 - 1', '1-99999999999999999999'],
    ['a time part over 2^64 - 1', '99999999999999999999-0'],
    ['the largest id (past the newest entry)', '18446744073709551615-18446744073709551615'],
  ])('%s: 200, hello, reset cursor_invalid, then live data', async (_, position) => {
    const { epoch } = await health(app);
    const stream = await resumeFrom(app, `${epoch}.${position}`);
    expect(stream.response.status).toBe(200);
    expect(stream.hello()).toMatchObject({ resumed: false, replayed: 0 });
    await stream.waitFor((c) => c.metrics().length >= 3, 10_000, '3 metrics after the reset');
    const [reset] = stream.resets();
    expect(stream.resets().map((r) => r.reason)).toEqual(['cursor_invalid']);
    const seqs = stream.metrics().map((m) => m.seq);
    expect(seqs[0]).toBe(reset!.feeds[FIRST_FEED]!.firstSeq + reset!.feeds[FIRST_FEED]!.ts.length);
    assertExactlyOnce(stream.metrics());
    stream.close();
  });
});

const ALL = new Set<FeedName>(FEED_NAMES);
const tick = (ts: number): Sample[] => ([FIRST_FEED, SECOND_FEED] as const).map((feed) => ({ feed, value: 1, ts }));

describe.runIf(canRun('redis-server', 'Redis trim-race tests'))('a resume racing the trim', () => {
  let redis: RedisServer;
  const buses: RedisBus[] = [];
  const leases: LeaderLease[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((lease) => lease.stop()));
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  afterAll(() => redis?.stop());

  it('is exact or cursor_evicted, never resumed with a hole (bounded stress at the window edge)', async () => {
    const bus = new RedisBus({
      url: redis.url,
      prefix: 'race',
      capacity: 32,
      snapshotWindowMs: 3_600_000,
      instanceId: 'p',
      blockMs: 200,
    });
    buses.push(bus);
    bus.start();
    await until(() => bus.healthy(), 10_000, 'bus ready');
    const lease = createLeaderLease({ redis: bus.redis, key: bus.keys.lease, instanceId: 'p', onChange: () => {} });
    leases.push(lease);
    lease.start();
    await until(() => lease.leader, 5000, 'the lease');

    // Every cursor ever published, in order: the reference a replay must match.
    const published: string[] = [];
    let publishing = true;
    const publisher = (async () => {
      while (publishing) published.push(...(await bus.publish(tick(Date.now()))).map((e: BusEvent) => e.cursor));
    })();
    await until(() => published.length > 64, 10_000, 'the log past its capacity');

    const outcomes = { resumed: 0, evicted: 0 };
    const holes: string[] = [];
    const deadline = Date.now() + 8000;
    for (let i = 0; i < 400 && Date.now() < deadline; i += 1) {
      // The oldest kept entry: the next trim may take it at any moment.
      const [oldest] = (await bus.redis.xrange(bus.keys.stream, '-', '+', 'COUNT', 1)) as [string, string[]][];
      const cursor = `${bus.epoch()}.${oldest![0]}`;
      const sub = await bus.subscribe({ feeds: ALL, cursor }, () => {});
      sub.unsubscribe();
      if (sub.start.kind === 'reset') {
        expect(sub.start.reset.reason).toBe('cursor_evicted');
        outcomes.evicted += 1;
        continue;
      }
      expect(sub.start.kind).toBe('resumed');
      const replay = sub.start.kind === 'resumed' ? sub.start.replay.map((e) => e.cursor) : [];
      const from = published.indexOf(cursor);
      // Every entry after the cursor, in order, up to where the replay read (no hole).
      if (from < 0 || replay.join() !== published.slice(from + 1, from + 1 + replay.length).join()) holes.push(cursor);
      outcomes.resumed += 1;
    }
    publishing = false;
    await publisher;
    console.log(`[trim race] ${JSON.stringify(outcomes)} with ${published.length} entries published`);
    expect(holes).toEqual([]);
    expect(outcomes.resumed).toBeGreaterThan(0);
  });
});
