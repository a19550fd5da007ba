import { describe, expect, it } from 'vitest';
import type { WireSnapshot } from '@/lib/sse/payloads';
import type { SharedStreamListener } from '../stream-source';
import { createFakeClock } from '../testing/fake-clock';
import { createFollowerApply } from './follower-apply';
import type { FollowerMessage } from './types';
import { FEED_A } from '@/lib/testing/catalogue';

/** A follower's messages turned into listener calls: what waits, for what, and for how long. */

const item = (seq: number): FollowerMessage => ({
  kind: 'item',
  item: { kind: 'metric', cursor: `ep.${seq}`, event: { feed: FEED_A, seq, ts: seq, value: seq } },
});
const snapshot: WireSnapshot = { epoch: 'ep', cursor: 'ep.5', windowMs: 1000, feeds: {} };

function setup() {
  const clock = createFakeClock();
  const calls: string[] = [];
  const state = { holding: false };
  let answer: (snapshot: WireSnapshot | null) => void = () => {};
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push(name === 'onMetric' ? `metric ${(args[1] as string).split('.')[1]}` : name);
  const listener = new Proxy({} as SharedStreamListener, { get: (_, name) => record(String(name)) });
  const follower = createFollowerApply({
    listener,
    loadSnapshot: () => new Promise((resolve) => (answer = resolve)),
    holding: () => state.holding,
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
  });
  return { clock, calls, state, follower, answer: (value: WireSnapshot | null) => answer(value) };
}

describe('createFollowerApply()', () => {
  it('holds live events while a catch-up is awaited, and applies them once it came', async () => {
    const { clock, calls, state, follower } = setup();
    state.holding = true;
    follower.apply(item(7));
    await clock.advance(60_000);
    expect(calls).toEqual([]);
    state.holding = false;
    await clock.advance(100);
    expect(calls).toEqual(['metric 7']);
  });

  it('holds live events for as long as the snapshot loads, however late this tab runs', async () => {
    const { clock, calls, follower, answer } = setup();
    follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    follower.apply(item(7));
    clock.jump(30_000);
    await clock.advance(100);
    expect(calls).toEqual([]);
    answer(snapshot);
    await clock.advance(0);
    expect(calls).toEqual(['onSnapshot', 'metric 7']);
  });

  it('after stop() it checks nothing more, drops what waited and ignores a late snapshot', async () => {
    const { clock, calls, state, follower, answer } = setup();
    state.holding = true;
    follower.apply(item(7));
    follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    follower.stop();
    state.holding = false;
    await clock.advance(1000);
    expect(clock.pending()).toBe(0);
    answer(snapshot);
    await clock.advance(0);
    follower.apply(item(8));
    expect(calls).toEqual([]);
  });
});
