import { describe, expect, it } from 'vitest';
import { FEED_NAMES, type FeedName } from '@/lib/metrics/feeds';
import type { MetricEvent } from '@/lib/metrics/events';
import { OutOfOrderError, type BusEvent, type Sample } from './bus';
import { MemoryBus } from './memory-bus';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

const ALL = new Set<FeedName>(FEED_NAMES);
const tick = (ts: number, feeds: readonly FeedName[] = [FEED_A, FEED_B]): Sample[] =>
  feeds.map((feed) => ({ feed, value: ts % 100, ts }));

function bus(capacity = 100, now = () => 10_000): MemoryBus {
  return new MemoryBus({ capacity, snapshotWindowMs: 5_000, epoch: 'ep1', now });
}

/** Asserts that per feed, seqs are exactly 1..n (or from..n): no gap, no duplicate. */
function expectContiguous(events: MetricEvent[], from = 1): void {
  const byFeed = new Map<string, number[]>();
  for (const event of events) byFeed.set(event.feed, [...(byFeed.get(event.feed) ?? []), event.seq]);
  for (const [, seqs] of byFeed) expect(seqs).toEqual(seqs.map((_, i) => i + from));
}

describe('MemoryBus.publish', () => {
  it('publish resolves with the batch it fanned out (one return type with the Redis bus)', async () => {
    const b = bus();
    const seen: unknown[] = [];
    await b.subscribe({ feeds: ALL, cursor: null }, (batch) => seen.push(batch));
    const published = await b.publish(tick(1));
    expect(published.map((e) => e.cursor)).toEqual(['ep1.1', 'ep1.2']);
    expect(seen).toEqual([published]);
  });

  it('delivers nothing after close()', async () => {
    const b = bus();
    const seen: unknown[] = [];
    await b.subscribe({ feeds: ALL, cursor: null }, (batch) => seen.push(batch));
    await b.close();
    await b.publish(tick(1));
    expect(seen).toEqual([]);
  });

  it('assigns per-feed contiguous seqs and cursors carrying the epoch', () => {
    const b = bus();
    const first = b.append(tick(1));
    const second = b.append(tick(2));
    expect(first.map((e) => [e.cursor, e.event.feed, e.event.seq])).toEqual([
      ['ep1.1', FEED_A, 1],
      ['ep1.2', FEED_B, 1],
    ]);
    expect(second.map((e) => e.event.seq)).toEqual([2, 2]);
  });

  it('gives every subscriber the same batch object (so bytes can be shared)', async () => {
    const b = bus();
    const seen: unknown[] = [];
    await b.subscribe({ feeds: ALL, cursor: null }, (batch) => seen.push(batch));
    await b.subscribe({ feeds: ALL, cursor: null }, (batch) => seen.push(batch));
    const batch = b.append(tick(1));
    expect(seen).toEqual([batch, batch]);
    expect(seen[0]).toBe(seen[1]);
  });

  it('keeps delivering to others when one subscriber throws', async () => {
    const b = bus();
    const received: number[] = [];
    await b.subscribe({ feeds: ALL, cursor: null }, () => {
      throw new Error('boom');
    });
    await b.subscribe({ feeds: ALL, cursor: null }, (batch) => received.push(batch.length));
    const original = console.error;
    console.error = () => {};
    try {
      b.append(tick(1));
    } finally {
      console.error = original;
    }
    expect(received).toEqual([2]);
  });
});

describe('MemoryBus.subscribe', () => {
  it('starts fresh without a cursor', async () => {
    const sub = await bus().subscribe({ feeds: ALL, cursor: null }, () => {});
    expect(sub.start).toEqual({ kind: 'fresh' });
  });

  it('replays exactly the missed events of the requested feeds', async () => {
    const b = bus();
    const first = b.append(tick(1));
    b.append(tick(2));
    b.append(tick(3));
    const sub = await b.subscribe({ feeds: new Set<FeedName>([FEED_A]), cursor: first[1]!.cursor }, () => {});
    expect(sub.start.kind).toBe('resumed');
    if (sub.start.kind !== 'resumed') return;
    expect(sub.start.replay.map((e) => [e.event.feed, e.event.seq])).toEqual([
      [FEED_A, 2],
      [FEED_A, 3],
    ]);
  });

  it.each([
    ['cursor_invalid', 'not-a-cursor'],
    ['cursor_invalid', 'ep1.999'],
    ['cursor_invalid', 'ep1.5-1'],
    ['epoch_changed', 'otherepoch.1'],
  ] as const)('answers %s for cursor %s with a snapshot', async (reason, cursor) => {
    const b = bus();
    for (let t = 1; t <= 5; t += 1) b.append(tick(10_000 - t));
    const sub = await b.subscribe({ feeds: new Set<FeedName>([FEED_A]), cursor }, () => {});
    expect(sub.start.kind).toBe('reset');
    if (sub.start.kind !== 'reset') return;
    expect(sub.start.reset.reason).toBe(reason);
    expect(sub.start.reset.cursor).toBe('ep1.10');
    expect(sub.start.reset.feeds[FEED_A]?.ts).toHaveLength(5);
  });

  it('answers cursor_evicted when the missed events are gone', async () => {
    const b = bus(4);
    const first = b.append(tick(1));
    for (let t = 2; t <= 5; t += 1) b.append(tick(t));
    const sub = await b.subscribe({ feeds: ALL, cursor: first[0]!.cursor }, () => {});
    expect(sub.start.kind === 'reset' && sub.start.reset.reason).toBe('cursor_evicted');
  });

  it('stops delivering after unsubscribe', async () => {
    const b = bus();
    let calls = 0;
    const sub = await b.subscribe({ feeds: ALL, cursor: null }, () => (calls += 1));
    b.append(tick(1));
    sub.unsubscribe();
    b.append(tick(2));
    expect(calls).toBe(1);
    expect(b.stats().subscribers).toBe(0);
  });

  it('has no gap and no duplicate at the replay/live seam while publishing continues', async () => {
    const b = bus(10_000);
    let ts = 0;
    const publishSome = (n: number) => {
      for (let i = 0; i < n; i += 1) b.append(tick((ts += 1), [FEED_A, FEED_B]));
    };
    publishSome(20);

    // Many clients resume from different cursors while ticks keep being published between,
    // before and after their subscribe calls (including in the same microtask turn).
    const clients: { received: BusEvent[] }[] = [];
    const subscribes: Promise<void>[] = [];
    for (let c = 0; c < 30; c += 1) {
      const client = { received: [] as BusEvent[] };
      clients.push(client);
      const cursor = `ep1.${c * 2}`;
      subscribes.push(
        b
          .subscribe({ feeds: ALL, cursor }, (batch) => client.received.push(...batch))
          .then((sub) => {
            // A real stream writes the replay first; live batches that raced in are appended after.
            if (sub.start.kind !== 'resumed') throw new Error(`unexpected ${sub.start.kind}`);
            client.received.unshift(...sub.start.replay);
          }),
      );
      publishSome(c % 3);
      queueMicrotask(() => publishSome(1));
    }
    await Promise.all(subscribes);
    publishSome(10);

    for (const [c, client] of clients.entries()) {
      const offsets = client.received.map((e) => Number(e.cursor.split('.')[1]));
      // Offsets continue exactly from the cursor to the head.
      expect(offsets).toEqual(offsets.map((_, i) => c * 2 + 1 + i));
      expect(offsets.at(-1)).toBe(Number(b.stats().head?.split('.')[1]));
      const a = client.received.filter((e) => e.event.feed === FEED_A).map((e) => e.event);
      expectContiguous(a, a[0]!.seq);
    }
  });
});

describe('MemoryBus times', () => {
  it('keeps each feed times non-decreasing: lifted by default, refused whole with order exact', async () => {
    const b = bus();
    b.append(tick(50));
    expect(b.append(tick(40)).map((e) => e.event.ts)).toEqual([50, 50]);
    await expect(b.publish(tick(45), { order: 'exact' })).rejects.toBeInstanceOf(OutOfOrderError);
    expect((await b.tail()).appended).toBe(4);
  });
});

describe('MemoryBus.snapshot', () => {
  it('returns the recent window per feed as contiguous columns, and a cursor to resume from', async () => {
    let now = 0;
    const b = bus(100, () => now);
    for (let t = 1; t <= 10; t += 1) b.append(tick(t * 1000, [FEED_A]));
    now = 10_000;
    const snap = await b.snapshot(new Set<FeedName>([FEED_A, FEED_B]));
    // Window 5 s: points at ts 5000..10000.
    expect(snap.feeds[FEED_A]).toEqual({
      firstSeq: 5,
      ts: [5000, 6000, 7000, 8000, 9000, 10000],
      value: [0, 0, 0, 0, 0, 0],
    });
    // A feed with no events yet: empty window starting at the next seq.
    expect(snap.feeds[FEED_B]).toEqual({ firstSeq: 1, ts: [], value: [] });
    expect(snap.cursor).toBe('ep1.10');
    const sub = await b.subscribe({ feeds: ALL, cursor: snap.cursor }, () => {});
    expect(sub.start).toEqual({ kind: 'resumed', replay: [] });
  });

  it('is resumable before anything was published', async () => {
    const b = bus();
    const snap = await b.snapshot(ALL);
    expect(snap.cursor).toBe('ep1.0');
    const sub = await b.subscribe({ feeds: ALL, cursor: snap.cursor }, () => {});
    expect(sub.start.kind).toBe('resumed');
  });
});

describe('MemoryBus faults and recent()', () => {
  it('recent() returns the newest events, oldest first', async () => {
    const b = bus();
    for (let t = 1; t <= 3; t += 1) b.append(tick(t));
    expect((await b.recent(3)).map((e) => e.cursor)).toEqual(['ep1.4', 'ep1.5', 'ep1.6']);
    expect(await b.recent(100)).toHaveLength(6);
  });

  it('evictHistory() turns every existing cursor into cursor_evicted', async () => {
    const b = bus();
    const [first] = b.append(tick(1));
    b.append(tick(2));
    b.evictHistory();
    const sub = await b.subscribe({ feeds: ALL, cursor: first!.cursor }, () => {});
    expect(sub.start.kind === 'reset' && sub.start.reset.reason).toBe('cursor_evicted');
  });

  it('rotateEpoch() behaves like a restart: new epoch, seqs from 1', async () => {
    const b = bus();
    const [first] = b.append(tick(1));
    b.rotateEpoch();
    expect(b.epoch()).not.toBe('ep1');
    expect(b.append(tick(2))[0]?.event.seq).toBe(1);
    const sub = await b.subscribe({ feeds: ALL, cursor: first!.cursor }, () => {});
    expect(sub.start.kind === 'reset' && sub.start.reset.reason).toBe('epoch_changed');
  });
});
