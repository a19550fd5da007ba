import { describe, expect, it } from 'vitest';
import type { WireSnapshot } from '@/lib/sse/payloads';
import type { SharedStreamListener } from '../stream-source';
import { createFakeClock } from '../testing/fake-clock';
import { createFollowerApply, SNAPSHOT_ATTEMPTS_MS } from './follower-apply';
import type { SnapshotAttempt } from './snapshot-loader';
import type { FollowerMessage } from './types';
import { FEED_A } from '@/lib/testing/catalogue';

/** A follower's messages turned into listener calls: what waits, for what, and for how long. */

const item = (seq: number): FollowerMessage => ({
  kind: 'item',
  item: { kind: 'metric', cursor: `ep.${seq}`, event: { feed: FEED_A, seq, ts: seq, value: seq } },
});
const snapshot: WireSnapshot = { epoch: 'ep', cursor: 'ep.5', windowMs: 1000, feeds: {} };

/** `abortable: false`: a loader that ignores its signal (a late answer after the tab moved on). */
function setup({ abortable = true } = {}) {
  const clock = createFakeClock();
  const calls: string[] = [];
  const state = { holding: false };
  /** Each attempt's signal, in order; `answer` settles the latest one. */
  const attempts: AbortSignal[] = [];
  let answer: (attempt: SnapshotAttempt) => void = () => {};
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push(name === 'onMetric' ? `metric ${(args[1] as string).split('.')[1]}` : name);
  const listener = new Proxy({} as SharedStreamListener, { get: (_, name) => record(String(name)) });
  const follower = createFollowerApply({
    listener,
    loadSnapshot: (signal) =>
      new Promise((resolve) => {
        attempts.push(signal);
        answer = resolve;
        // As the real loader does (snapshot-loader.ts): an aborted fetch ends as timed out.
        if (abortable) signal.addEventListener('abort', () => resolve({ ok: false, timedOut: true }));
      }),
    holding: () => state.holding,
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  });
  return { clock, calls, state, follower, attempts, answer: (value: SnapshotAttempt) => answer(value) };
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

  it('holds live events while the snapshot loads, and applies them after it', async () => {
    const { clock, calls, follower, answer } = setup();
    follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    follower.apply(item(7));
    await clock.advance(SNAPSHOT_ATTEMPTS_MS[0]! - 1);
    expect(calls).toEqual([]);
    answer({ ok: true, snapshot });
    await clock.advance(0);
    expect(calls).toEqual(['onSnapshot', 'metric 7']);
  });

  it('asks again with more time when the snapshot is slow, and live events keep waiting (no gap)', async () => {
    const { clock, calls, follower, attempts, answer } = setup();
    follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    follower.apply(item(7));
    await clock.advance(SNAPSHOT_ATTEMPTS_MS[0]!);
    expect(attempts.map((signal) => signal.aborted)).toEqual([true, false]);
    await clock.advance(SNAPSHOT_ATTEMPTS_MS[1]! - 1);
    expect(attempts).toHaveLength(2);
    expect(calls).toEqual([]);
    answer({ ok: true, snapshot });
    await clock.advance(0);
    expect(calls).toEqual(['onSnapshot', 'metric 7']);
    // The answered attempt's timeout went with it (the hold's last check runs within 100 ms).
    await clock.advance(100);
    expect(clock.pending()).toBe(0);
  });

  it('applies what waited after the last attempt timed out, or at once on a failed answer', async () => {
    const slow = setup();
    slow.follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    slow.follower.apply(item(7));
    const total = SNAPSHOT_ATTEMPTS_MS.reduce((sum, ms) => sum + ms, 0);
    await slow.clock.advance(total - 1);
    expect(slow.calls).toEqual([]);
    await slow.clock.advance(1);
    expect(slow.attempts).toHaveLength(SNAPSHOT_ATTEMPTS_MS.length);
    expect(slow.calls).toEqual(['metric 7']);

    const refused = setup();
    refused.follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    refused.follower.apply(item(7));
    refused.answer({ ok: false, timedOut: false });
    await refused.clock.advance(0);
    expect(refused.attempts).toHaveLength(1);
    expect(refused.calls).toEqual(['metric 7']);
  });

  it('a loader that throws ends the wait like a failed answer', async () => {
    const clock = createFakeClock();
    const applied: string[] = [];
    const follower = createFollowerApply({
      listener: new Proxy({} as SharedStreamListener, {
        get: (_, name) => (name === 'onMetric' ? () => applied.push('metric') : () => {}),
      }),
      loadSnapshot: () => Promise.reject(new Error('broken loader')),
      holding: () => false,
      setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    });
    follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    follower.apply(item(7));
    await clock.advance(0);
    expect(applied).toEqual(['metric']);
  });

  it('a tab that takes over the stream ends the load: a late snapshot is ignored, events apply at once', async () => {
    const { clock, calls, follower, attempts, answer } = setup({ abortable: false });
    follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    follower.apply(item(7));
    follower.forget();
    expect(attempts[0]!.aborted).toBe(true);
    answer({ ok: true, snapshot });
    await clock.advance(100);
    follower.apply(item(8));
    expect(calls).toEqual(['metric 8']);
    expect(clock.pending()).toBe(0);
  });

  it('after stop() it checks nothing more, drops what waited and ignores a late snapshot', async () => {
    const { clock, calls, state, follower, attempts, answer } = setup({ abortable: false });
    state.holding = true;
    follower.apply(item(7));
    follower.apply({ kind: 'catch-up-failed', cursor: 'ep.2' });
    follower.stop();
    expect(attempts[0]!.aborted).toBe(true);
    state.holding = false;
    await clock.advance(1000);
    expect(clock.pending()).toBe(0);
    answer({ ok: true, snapshot });
    await clock.advance(0);
    follower.apply(item(8));
    expect(calls).toEqual([]);
  });
});
