import { describe, expect, it, vi } from 'vitest';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Sample } from '../bus';
import { MemoryBus } from '../memory-bus';
import type { MetricsSource } from './metrics-source';
import { ALWAYS_LEADER, produceWhileLeader, type Leadership } from './produce-while-leader';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

/** A lease the test flips by hand. */
function manualLease(): Leadership & { set(leader: boolean): void } {
  const listeners = new Set<(leader: boolean) => void>();
  let leader = false;
  return {
    get leader() {
      return leader;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(value) {
      leader = value;
      listeners.forEach((listener) => listener(value));
    },
  };
}

function fakeSource(history: Sample[] = []): MetricsSource & { resumed: unknown[] } {
  let running = false;
  return {
    resumed: [],
    history: () => history,
    resumeFrom(values) {
      this.resumed.push(values);
    },
    start: () => void (running = true),
    stop: () => void (running = false),
    get running() {
      return running;
    },
    ticks: 0,
  };
}

const bus = () => new MemoryBus({ capacity: 1000, snapshotWindowMs: 60_000, epoch: 'ep' });
const at = (ts: number, feed: FeedName = FEED_A): Sample => ({ feed, value: ts % 100, ts });

describe('produceWhileLeader', () => {
  it('loads the history into an empty log, then starts (the memory bus: always the leader)', async () => {
    const b = bus();
    const source = fakeSource([at(3), at(1, FEED_B), at(2)]);
    produceWhileLeader(source, ALWAYS_LEADER, b, { historyMs: 60_000, name: 'test' });
    await vi.waitFor(() => expect(source.running).toBe(true));
    const events = (await b.recent(10)).map((e) => e.event);
    // Published oldest first, so every feed's times go forward.
    expect(events.map((e) => `${e.feed}@${e.ts}`)).toEqual([`${FEED_B}@1`, `${FEED_A}@2`, `${FEED_A}@3`]);
    expect(source.resumed).toEqual([]);
  });

  it('asks for no history with historyMs 0', async () => {
    const b = bus();
    const source = fakeSource([at(1)]);
    produceWhileLeader(source, ALWAYS_LEADER, b, { historyMs: 0, name: 'test' });
    await vi.waitFor(() => expect(source.running).toBe(true));
    expect(await b.recent(10)).toEqual([]);
  });

  it('publishes at most maxHistory events, the newest', async () => {
    const b = bus();
    const source = fakeSource([at(1), at(2), at(3), at(4)]);
    produceWhileLeader(source, ALWAYS_LEADER, b, { historyMs: 60_000, maxHistory: 2, name: 'test' });
    await vi.waitFor(() => expect(source.running).toBe(true));
    expect((await b.recent(10)).map((e) => e.event.ts)).toEqual([3, 4]);
  });

  it('continues a log that has events: no history, the newest values handed to the source', async () => {
    const b = bus();
    b.append([at(50), at(70, FEED_B)]);
    const source = fakeSource([at(1)]);
    produceWhileLeader(source, ALWAYS_LEADER, b, { historyMs: 60_000, name: 'test' });
    await vi.waitFor(() => expect(source.running).toBe(true));
    expect(source.resumed).toEqual([{ [FEED_A]: 50, [FEED_B]: 70 }]);
    expect(await b.recent(10)).toHaveLength(2);
  });

  it('produces exactly while the lease is held', async () => {
    const lease = manualLease();
    const source = fakeSource();
    const stop = produceWhileLeader(source, lease, bus(), { historyMs: 60_000, name: 'test' });
    expect(source.running).toBe(false);
    lease.set(true);
    await vi.waitFor(() => expect(source.running).toBe(true));
    lease.set(false);
    expect(source.running).toBe(false);
    lease.set(true);
    await vi.waitFor(() => expect(source.running).toBe(true));
    stop();
    expect(source.running).toBe(false);
    lease.set(true);
    await Promise.resolve();
    expect(source.running).toBe(false);
  });

  it('does not start a source whose lease was lost while it was reading the log', async () => {
    const lease = manualLease();
    const source = fakeSource();
    let release = () => {};
    const slow = bus();
    const tail = slow.tail.bind(slow);
    slow.tail = () => new Promise((resolve) => (release = () => resolve(tail())));
    produceWhileLeader(source, lease, slow, { historyMs: 60_000, name: 'test' });
    lease.set(true);
    lease.set(false);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(source.running).toBe(false);
  });

  it('skips a history that would go back in time, and still starts', async () => {
    const b = bus();
    const source = fakeSource([at(1), at(2)]);
    // The log is empty when read, but a point newer than the history lands before it is published.
    const tail = b.tail.bind(b);
    b.tail = async () => {
      const result = await tail();
      b.append([at(10)]);
      return result;
    };
    produceWhileLeader(source, ALWAYS_LEADER, b, { historyMs: 60_000, name: 'test' });
    await vi.waitFor(() => expect(source.running).toBe(true));
    expect((await b.recent(10)).map((e) => e.event.ts)).toEqual([10]);
  });
});
