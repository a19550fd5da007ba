import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FEED_NAMES, type FeedName } from '@/lib/metrics/feeds';
import type { BusEvent, Sample } from '@/lib/server/bus';
import { RedisBus, type InterruptReason } from '@/lib/server/redis/redis-bus';
import { createLeaderLease, type LeaderLease } from '@/lib/server/redis/leader-lease';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { FIRST_FEED, SECOND_FEED } from '../fixtures/test-config';

/** The Redis Streams bus against a real redis-server (started on a free port, stopped after). */

const ALL = new Set<FeedName>(FEED_NAMES);
const tick = (ts: number): Sample[] =>
  ([FIRST_FEED, SECOND_FEED] as const).map((feed) => ({ feed, value: ts % 100, ts }));

describe.runIf(canRun('redis-server', 'Redis bus tests'))('RedisBus', () => {
  let redis: RedisServer;
  let prefixCount = 0;
  const open: RedisBus[] = [];
  const leases: LeaderLease[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((lease) => lease.stop()));
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });
  afterAll(() => redis?.stop());

  /** A bus on its own key prefix, ready, and (optionally) holding the producer lease. */
  async function bus(
    options: {
      prefix?: string;
      capacity?: number;
      leader?: boolean;
      id?: string;
      now?: () => number;
      checkEveryMs?: number;
      onInterrupt?: (reason: InterruptReason) => void;
    } = {},
  ) {
    const b = new RedisBus({
      url: redis.url,
      prefix: options.prefix ?? `t${++prefixCount}`,
      capacity: options.capacity ?? 1000,
      snapshotWindowMs: 3_600_000,
      instanceId: options.id ?? 'a',
      blockMs: 200,
      ...(options.now ? { now: options.now } : {}),
      ...(options.checkEveryMs ? { checkEveryMs: options.checkEveryMs } : {}),
      ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}),
    });
    open.push(b);
    b.start();
    await expect.poll(() => b.healthy()).toBe(true);
    if (options.leader !== false) {
      const lease = createLeaderLease({
        redis: b.redis,
        key: b.keys.lease,
        instanceId: options.id ?? 'a',
        ttlMs: 1500,
        renewEveryMs: 300,
        onChange: () => {},
      });
      leases.push(lease);
      lease.start();
      await expect.poll(() => lease.leader).toBe(true);
    }
    return b;
  }

  it('publishes ticks with per-feed seqs and delivers each read as one batch', async () => {
    const b = await bus();
    const received: BusEvent[][] = [];
    await b.subscribe({ feeds: ALL, cursor: null }, (batch) => received.push([...batch]));
    await b.publish(tick(Date.now()));
    await b.publish(tick(Date.now()));
    await expect.poll(() => received.flat().length).toBe(4);
    expect(received.flat().map((e) => `${e.event.feed}:${e.event.seq}`)).toEqual([
      `${FIRST_FEED}:1`,
      `${SECOND_FEED}:1`,
      `${FIRST_FEED}:2`,
      `${SECOND_FEED}:2`,
    ]);
    expect(received.flat().every((e) => e.cursor.startsWith(`${b.epoch()}.`))).toBe(true);
  });

  it('refuses to publish without the producer lease', async () => {
    const b = await bus({ leader: false });
    await expect(b.publish(tick(1))).rejects.toThrow(/not the producer/);
  });

  it('resumes from a cursor with no gap and no duplicate while publishing continues', async () => {
    // Room for everything published here, so trimming cannot be what a gap comes from.
    const b = await bus({ capacity: 100_000 });
    for (let i = 0; i < 10; i += 1) await b.publish(tick(Date.now()));
    const [first] = await b.recent(20);
    let publishing = true;
    const publisher = (async () => {
      while (publishing) await b.publish(tick(Date.now()));
    })();
    // As a stream does: live batches are kept apart and written after the replay.
    const live: BusEvent[] = [];
    const sub = await b.subscribe({ feeds: ALL, cursor: first!.cursor }, (batch) => live.push(...batch));
    expect(sub.start.kind).toBe('resumed');
    await expect.poll(() => live.length, { timeout: 5000 }).toBeGreaterThan(60);
    publishing = false;
    await publisher;
    const received = [...(sub.start.kind === 'resumed' ? sub.start.replay : []), ...live];
    const seqs = received.filter((e) => e.event.feed === FIRST_FEED).map((e) => e.event.seq);
    expect(seqs[0]).toBe(first!.event.seq + 1);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(new Set(received.map((e) => e.cursor)).size).toBe(received.length);
  });

  it('gives every instance the same cursors, so a client resumes anywhere without a reset', async () => {
    const a = await bus({ prefix: 'shared1', id: 'a' });
    const b = await bus({ prefix: 'shared1', id: 'b', leader: false });
    expect(b.epoch()).toBe(a.epoch());
    await a.publish(tick(Date.now()));
    const [cursorFromA] = await a.recent(2);
    await a.publish(tick(Date.now()));
    const sub = await b.subscribe({ feeds: ALL, cursor: cursorFromA!.cursor }, () => {});
    expect(sub.start.kind === 'resumed' && sub.start.replay.map((e) => `${e.event.feed}:${e.event.seq}`)).toEqual([
      `${SECOND_FEED}:1`,
      `${FIRST_FEED}:2`,
      `${SECOND_FEED}:2`,
    ]);
  });

  it.each([
    ['cursor_invalid', (epoch: string) => `${epoch}.99999999999999-0`],
    ['cursor_invalid', (epoch: string) => `${epoch}.42`],
    ['epoch_changed', () => 'zz0other.1700000000000-0'],
  ] as const)('answers %s with a snapshot', async (reason, makeCursor) => {
    const b = await bus();
    await b.publish(tick(Date.now()));
    const sub = await b.subscribe({ feeds: ALL, cursor: makeCursor(b.epoch()) }, () => {});
    expect(sub.start.kind === 'reset' && sub.start.reset.reason).toBe(reason);
    expect(sub.start.kind === 'reset' && sub.start.reset.feeds[FIRST_FEED]?.ts).toHaveLength(1);
  });

  it('answers cursor_evicted once MAXLEN ~ has trimmed past the cursor', async () => {
    const b = await bus({ capacity: 10 });
    await b.publish(tick(Date.now()));
    const [oldest] = await b.recent(2);
    for (let i = 0; i < 300; i += 1) await b.publish(tick(Date.now()));
    const sub = await b.subscribe({ feeds: ALL, cursor: oldest!.cursor }, () => {});
    expect(sub.start.kind === 'reset' && sub.start.reset.reason).toBe('cursor_evicted');
  });

  it('snapshots the window per feed with a cursor that resumes exactly after it', async () => {
    const b = await bus();
    for (let i = 0; i < 5; i += 1) await b.publish(tick(Date.now()));
    const snap = await b.snapshot(new Set<FeedName>([FIRST_FEED]));
    expect(snap.feeds[FIRST_FEED]).toMatchObject({ firstSeq: 1 });
    expect(snap.feeds[FIRST_FEED]?.ts).toHaveLength(5);
    await b.publish(tick(Date.now()));
    const sub = await b.subscribe({ feeds: ALL, cursor: snap.cursor }, () => {});
    expect(sub.start.kind === 'resumed' && sub.start.replay.map((e) => e.event.seq)).toEqual([6, 6]);
  });

  it('continues seqs across producers: a new leader neither resets nor repeats them', async () => {
    const a = await bus({ prefix: 'handover', id: 'a' });
    await a.publish(tick(1));
    await a.publish(tick(2));
    await leases[0]!.stop();
    const b = await bus({ prefix: 'handover', id: 'b' });
    await b.publish(tick(3));
    const events = await b.recent(10);
    expect(events.filter((e) => e.event.feed === FIRST_FEED).map((e) => e.event.seq)).toEqual([1, 2, 3]);
  });

  it('hands the lease to another instance within 5 s when the leader stops renewing', async () => {
    const a = await bus({ prefix: 'lease', id: 'a', leader: false });
    const b = await bus({ prefix: 'lease', id: 'b', leader: false });
    const changes: string[] = [];
    const la = createLeaderLease({
      redis: a.redis,
      key: a.keys.lease,
      instanceId: 'a',
      onChange: (l) => changes.push(`a:${l}`),
    });
    la.start();
    await expect.poll(() => la.leader).toBe(true);
    const lb = createLeaderLease({
      redis: b.redis,
      key: b.keys.lease,
      instanceId: 'b',
      onChange: (l) => changes.push(`b:${l}`),
    });
    leases.push(lb);
    lb.start();
    // a loses Redis without releasing (as with SIGKILL): b may take the lease only once it has
    // expired, and a must have stopped calling itself leader before that (never two leaders).
    const died = Date.now();
    a.redis.disconnect();
    await expect.poll(() => lb.leader, { timeout: 6000 }).toBe(true);
    expect(Date.now() - died).toBeLessThan(5000);
    expect(changes).toEqual(['a:true', 'a:false', 'b:true']);
    await la.stop();
  });

  it('keeps the lease through a single failed renewal (no production gap for one lost reply)', async () => {
    const a = await bus({ prefix: 'blip', id: 'a', leader: false });
    const changes: boolean[] = [];
    const lease = createLeaderLease({
      redis: a.redis,
      key: a.keys.lease,
      instanceId: 'a',
      ttlMs: 3000,
      renewEveryMs: 300,
      onChange: (l) => changes.push(l),
    });
    leases.push(lease);
    lease.start();
    await expect.poll(() => lease.leader).toBe(true);
    // Renewals fail for a moment (the link drops); the lease is still ours in Redis meanwhile.
    a.redis.disconnect();
    const pttl = async () => Number(await redis.command('PTTL', a.keys.lease));
    // At least two renewals missed (3000 - 2 × 300 ms left), and still leader.
    await expect.poll(pttl, { timeout: 5000 }).toBeLessThan(2400);
    expect(lease.leader).toBe(true);
    await a.redis.connect();
    await expect.poll(pttl, { timeout: 5000 }).toBeGreaterThan(2600);
    expect(changes).toEqual([true]);
  });

  it('reports degraded while Redis is down and recovers by itself when it returns', async () => {
    const b = await bus({ leader: false });
    await redis.stop();
    await expect.poll(() => b.healthy(), { timeout: 5000 }).toBe(false);
    await expect(b.subscribe({ feeds: ALL, cursor: null }, () => {})).rejects.toThrow(/unavailable/);
    const epochBefore = b.epoch();
    await redis.start();
    await expect.poll(() => b.healthy(), { timeout: 10_000 }).toBe(true);
    // Redis came back empty (no persistence): a new log, so a new epoch.
    expect(b.epoch()).not.toBe(epochBefore);
  });
  it.each([
    ['an overflowing sequence part', (epoch: string) => `${epoch}.1-99999999999999999999`],
    ['an overflowing time part', (epoch: string) => `${epoch}.18446744073709551616-0`],
    ['an id past the newest entry', (epoch: string) => `${epoch}.18446744073709551615-18446744073709551615`],
  ] as const)('answers %s with a cursor_invalid reset, never an error', async (_, makeCursor) => {
    const b = await bus();
    await b.publish(tick(Date.now()));
    const sub = await b.subscribe({ feeds: ALL, cursor: makeCursor(b.epoch()) }, () => {});
    expect(sub.start.kind === 'reset' && sub.start.reset.reason).toBe('cursor_invalid');
  });

  it('resumes a cursor at the newest trimmed entry (the replay is complete), and evicts the one before', async () => {
    const b = await bus({ capacity: 16 });
    const published: BusEvent[] = [];
    for (let i = 0; i < 9; i += 1) published.push(...(await b.publish(tick(Date.now()))));
    // 18 entries, 16 kept: entries 1 and 2 were trimmed, exactly (the trim is recorded).
    expect(await b.redis.xlen(b.keys.stream)).toBe(16);
    const atNewestTrimmed = await b.subscribe({ feeds: ALL, cursor: published[1]!.cursor }, () => {});
    expect(atNewestTrimmed.start.kind === 'resumed' && atNewestTrimmed.start.replay.map((e) => e.cursor)).toEqual(
      published.slice(2).map((e) => e.cursor),
    );
    const beforeIt = await b.subscribe({ feeds: ALL, cursor: published[0]!.cursor }, () => {});
    expect(beforeIt.start.kind === 'reset' && beforeIt.start.reset.reason).toBe('cursor_evicted');
  });

  it('snapshots the true next seq of a feed with no point in the window (from the seq record, not 1)', async () => {
    let clock = Date.now();
    const b = await bus({ now: () => clock });
    // Only the first feed is published: the second has no seq record at all.
    for (let i = 0; i < 3; i += 1) await b.publish(tick(clock).filter((sample) => sample.feed === FIRST_FEED));
    clock += 2 * 3_600_000; // two windows later, nothing published since
    const snap = await b.snapshot(new Set<FeedName>([FIRST_FEED, SECOND_FEED]));
    expect(snap.feeds[FIRST_FEED]).toEqual({ firstSeq: 4, ts: [], value: [] });
    expect(snap.feeds[SECOND_FEED]).toEqual({ firstSeq: 1, ts: [], value: [] });
  });

  it('refuses a publish under a stale epoch (the append script checks the epoch, not only the lease)', async () => {
    // a checks its epoch rarely here, so it is still on the old one when it publishes.
    const a = await bus({ prefix: 'fenced', id: 'a', checkEveryMs: 60_000 });
    await a.publish(tick(1));
    const other = await bus({ prefix: 'fenced', id: 'b', leader: false });
    await other.rotateEpoch();
    expect(other.epoch()).not.toBe(a.epoch());
    await expect(a.publish(tick(2))).rejects.toThrow(/epoch fence/);
    // The refusal makes a check its epoch at once, and it adopts the new one.
    await expect.poll(() => a.epoch(), { timeout: 5000 }).toBe(other.epoch());
    const [published] = await a.publish(tick(3));
    expect(published).toMatchObject({ event: { feed: FIRST_FEED, seq: 1 } });
    expect(published!.cursor.startsWith(`${other.epoch()}.`)).toBe(true);
  });
  it('upgrades from a log of an older version (a plain string epoch key): one new epoch, then works', async () => {
    await redis.command('SET', 'legacy:epoch', 'oldepoch1');
    await redis.command('XADD', 'legacy:events', '*', 'f', FIRST_FEED, 's', '7', 't', '1', 'v', '1');
    const b = await bus({ prefix: 'legacy' });
    expect(b.epoch()).not.toBe('oldepoch1');
    const [event] = await b.publish(tick(Date.now()));
    expect(event).toMatchObject({ event: { feed: FIRST_FEED, seq: 1 } });
  });
  it('answers a pre-loss cursor with epoch_changed even before its own check noticed the loss', async () => {
    const b = await bus({ prefix: 'unnoticed', checkEveryMs: 60_000 });
    const [event] = await b.publish(tick(Date.now()));
    const before = b.epoch();
    // The log is lost (as by FLUSHALL or an eviction) and b's next scheduled check is far away.
    await redis.command('DEL', b.keys.epoch, b.keys.stream);
    const sub = await b.subscribe({ feeds: ALL, cursor: event!.cursor }, () => {});
    expect(sub.start.kind).toBe('reset');
    if (sub.start.kind !== 'reset') return;
    expect(sub.start.reset.reason).toBe('epoch_changed');
    expect(sub.start.reset.epoch).not.toBe(before);
    expect(sub.start.reset.epoch).toBe(b.epoch());
  });
  it('interrupts its subscriptions on every outage, not only the first', async () => {
    const interrupts: InterruptReason[] = [];
    const b = await bus({ leader: false, onInterrupt: (reason) => interrupts.push(reason) });
    for (let outage = 1; outage <= 2; outage += 1) {
      b.redis.disconnect(true); // the link drops and comes back
      await expect.poll(() => interrupts.length, { timeout: 5000 }).toBe(outage);
      await expect.poll(() => b.healthy(), { timeout: 10_000 }).toBe(true);
    }
    expect(interrupts).toEqual(['unavailable', 'unavailable']);
  });
});
