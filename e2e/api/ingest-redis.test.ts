import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FEED_NAMES, type FeedName } from '@/lib/metrics/feeds';
import { OutOfOrderError, type BusEvent, type IngestPoint } from '@/lib/server/bus';
import { RedisBus } from '@/lib/server/redis/redis-bus';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { FIRST_FEED, SECOND_FEED } from '../fixtures/test-config';

/**
 * The Redis bus's write side for ingest, against a real redis-server: what the append script
 * decides atomically (no lease needed, times kept in order per feed, the idempotency key kept
 * with its TTL). The HTTP side is in ingest.test.ts and ingest-idempotency.test.ts.
 */

const ALL = new Set<FeedName>(FEED_NAMES);
const point = (feed: FeedName, value: number, ts: number, order: IngestPoint['order'] = 'exact'): IngestPoint => ({
  feed,
  value,
  ts,
  order,
});

describe.runIf(canRun('redis-server', 'Redis ingest tests'))('RedisBus.ingest', () => {
  let redis: RedisServer;
  let prefixCount = 0;
  const open: RedisBus[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });
  afterAll(() => redis?.stop());

  /** A ready bus on its own prefix that does not hold the producer lease. */
  async function bus(prefix = `ingest${++prefixCount}`): Promise<RedisBus> {
    const b = new RedisBus({
      url: redis.url,
      prefix,
      capacity: 1000,
      snapshotWindowMs: 3_600_000,
      instanceId: 'web',
      blockMs: 200,
      keyTtlMs: 600_000,
    });
    open.push(b);
    b.start();
    await expect.poll(() => b.healthy()).toBe(true);
    return b;
  }

  it('appends without the producer lease, with the next seqs, delivered like any tick', async () => {
    const b = await bus();
    const seen: BusEvent[] = [];
    await b.subscribe({ feeds: ALL, cursor: null }, (batch) => seen.push(...batch));
    await expect(b.publish([{ feed: FIRST_FEED, value: 1, ts: 1000 }])).rejects.toThrow(/not the producer/);
    const outcome = await b.ingest(
      [point(FIRST_FEED, 1, 1000), point(FIRST_FEED, 2, 1000), point(SECOND_FEED, 3, 900)],
      null,
    );
    expect(outcome.kind).toBe('applied');
    await expect.poll(() => seen.length).toBe(3);
    expect(seen.map((e) => `${e.event.feed}:${e.event.seq}@${e.event.ts}`)).toEqual([
      `${FIRST_FEED}:1@1000`,
      `${FIRST_FEED}:2@1000`,
      `${SECOND_FEED}:1@900`,
    ]);
    expect(await b.tail()).toEqual({ appended: 3, values: { [FIRST_FEED]: 2, [SECOND_FEED]: 3 } });
  });

  it('keeps each feed in time order: lifts a point without its own time, refuses an older exact one', async () => {
    const b = await bus();
    await b.ingest([point(FIRST_FEED, 1, 5000)], null);
    const lifted = await b.ingest([point(FIRST_FEED, 2, 4000, 'lift'), point(SECOND_FEED, 300, 100)], null);
    expect(lifted.kind === 'applied' && lifted.batch.map((e) => e.event.ts)).toEqual([5000, 100]);
    const late = await b.ingest(
      [point(SECOND_FEED, 301, 200), point(FIRST_FEED, 3, 4999), point(FIRST_FEED, 4, 6000)],
      null,
    );
    expect(late).toEqual({ kind: 'late', points: [{ index: 1, newestTs: 5000 }] });
    // Nothing of the refused batch was applied: memory's seq and time did not move.
    expect((await b.recent(10)).map((e) => `${e.event.feed}:${e.event.seq}`)).toEqual([
      `${FIRST_FEED}:1`,
      `${FIRST_FEED}:2`,
      `${SECOND_FEED}:1`,
    ]);
  });

  it('remembers an applied key in Redis for its TTL, shared by every instance', async () => {
    const [a, other] = [await bus('shared'), await bus('shared')];
    const key = { key: 'k-1', fingerprint: 'ab12' };
    expect((await a.ingest([point(FIRST_FEED, 1, 1000)], key)).kind).toBe('applied');
    expect(await other.ingest([point(FIRST_FEED, 1, 1000)], key)).toEqual({ kind: 'duplicate', accepted: 1 });
    expect(await other.ingest([point(FIRST_FEED, 9, 1000)], { key: 'k-1', fingerprint: 'cd34' })).toEqual({
      kind: 'key_reused',
    });
    const ttl = Number(await redis.command('PTTL', a.keys.ingestKey('k-1')));
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('refuses an exact history that would go back in time', async () => {
    const b = await bus();
    await b.ingest([point(FIRST_FEED, 1, 5000)], null);
    // Only the lease holder may publish; the order check comes after it, so take the lease.
    await redis.command('SET', b.keys.lease, 'web');
    await expect(b.publish([{ feed: FIRST_FEED, value: 2, ts: 4000 }], { order: 'exact' })).rejects.toBeInstanceOf(
      OutOfOrderError,
    );
    expect((await b.publish([{ feed: FIRST_FEED, value: 2, ts: 4000 }])).map((e) => e.event.ts)).toEqual([5000]);
  });
});
