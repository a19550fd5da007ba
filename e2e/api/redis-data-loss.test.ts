import { assertExactlyOnce } from '../kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextServer } from '../fixtures/next-server';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { endsWithin, health, resumeFrom, startRedisApp, until } from '../fixtures/redis-app';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * Redis loses data without dropping the connection: FLUSHALL, an eviction of the epoch record
 * or of the stream, a restart from an older RDB. Each time the client must see what happened:
 * its open stream ends (never freezes), its pre-loss cursor gets `reset` `epoch_changed` (never
 * `resumed`), and the new epoch's seqs are contiguous from the reset's snapshot.
 */

describe.runIf(canRun('redis-server', 'Redis data-loss tests'))('Redis loses data under a live stream', () => {
  let redis: RedisServer;
  let app: NextServer;

  beforeAll(async () => {
    redis = await startRedis({ rdb: true });
    app = await startRedisApp(redis.url);
    await until(async () => (await health(app)).producer.leader, 10_000, 'the producer lease');
  });

  afterAll(async () => {
    if (process.env.DEBUG_APP_OUTPUT) console.log(app?.output());
    await app?.stop('SIGKILL');
    await redis?.stop();
  });

  /** A live stream with some metrics, and the epoch the instance is on. */
  async function liveStream(): Promise<{ stream: SseClient; epoch: string }> {
    await until(async () => (await health(app)).status === 'ok', 15_000, 'health ok');
    const stream = await connectSse(`${app.url}/api/stream?feeds=${FIRST_FEED}`);
    await stream.waitFor((c) => c.metrics().length >= 5, 10_000, '5 metrics');
    return { stream, epoch: stream.hello()!.epoch };
  }

  /** After the loss: the old stream ended, and the old cursor gets an epoch_changed reset, then live data. */
  async function expectHonestReset(stream: SseClient, oldEpoch: string, cursor = stream.lastCursor()!) {
    expect(await endsWithin(stream, 10_000)).not.toBe('aborted');
    await until(async () => (await health(app)).epoch !== oldEpoch, 10_000, 'a new epoch');
    await until(async () => (await health(app)).status === 'ok', 10_000, 'health ok');
    const newEpoch = (await health(app)).epoch;

    const resumed = await resumeFrom(app, cursor);
    expect(resumed.hello()).toMatchObject({ epoch: newEpoch, resumed: false });
    await resumed.waitFor((c) => c.resets().length === 1, 5000, 'the reset');
    const [reset] = resumed.resets();
    expect(reset).toMatchObject({ reason: 'epoch_changed', epoch: newEpoch });
    // Live data continues right after the snapshot: contiguous, no repeat, all in the new epoch.
    await resumed.waitFor((c) => c.metrics().length >= 5, 10_000, '5 metrics after the reset');
    const window = reset!.feeds[FIRST_FEED]!;
    const seqs = resumed.metrics().map((m) => m.seq);
    expect(seqs[0]).toBe(window.firstSeq + window.ts.length);
    assertExactlyOnce(resumed.metrics());
    expect(resumed.metrics().every((m) => m.cursor.startsWith(`${newEpoch}.`))).toBe(true);
    resumed.close();
  }

  it('FLUSHALL during a live stream: the stream ends, the old cursor gets epoch_changed, seqs restart cleanly', async () => {
    const { stream, epoch } = await liveStream();
    await redis.command('FLUSHALL');
    await expectHonestReset(stream, epoch);
  });

  it.each([
    ['the epoch record (with the seqs)', 'rtd:epoch'],
    ['the stream alone', 'rtd:events'],
  ])('eviction of %s: noticed within seconds, one new epoch', async (_, key) => {
    const { stream, epoch } = await liveStream();
    // What an `allkeys-*` eviction does to a key, made deterministic.
    expect(await redis.command('DEL', key)).toBe(1);
    await expectHonestReset(stream, epoch);
  });

  it('a restart from an older RDB: seqs are never handed out twice in one epoch', async () => {
    const { stream, epoch } = await liveStream();
    await redis.save();
    const savedHead = stream.lastCursor()!;
    // The log moves on past the snapshot, then Redis crashes and comes back with the older data.
    await stream.waitFor((c) => c.metrics().length >= 15, 10_000, '10 more metrics');
    const cursor = stream.lastCursor()!;
    expect(cursor).not.toBe(savedHead);
    await redis.restart();
    await expectHonestReset(stream, epoch, cursor);
    // It was the restore that was noticed (a new run_id under the old epoch record).
    expect(app.output()).toMatch(new RegExp(`epoch changed ${epoch} -> \\w+ \\(restarted\\)`));
  });
});
