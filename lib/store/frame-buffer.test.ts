import { describe, expect, it } from 'vitest';
import { createFrameBuffer, pacedFrames } from './frame-buffer';
import type { Incoming } from './metrics-state';
import { FEED_A } from '@/lib/testing/catalogue';

const item = (seq: number): Incoming => ({
  kind: 'metric',
  event: { feed: FEED_A, seq, ts: seq, value: seq },
  cursor: `e.${seq}`,
});

describe('createFrameBuffer', () => {
  it('commits everything pushed before a frame in one call', () => {
    const commits: Incoming[][] = [];
    const frames: (() => void)[] = [];
    const buffer = createFrameBuffer(
      (items) => commits.push(items),
      (callback) => frames.push(callback),
    );
    for (let seq = 1; seq <= 100; seq += 1) buffer.push(item(seq));
    expect(frames).toHaveLength(1);
    expect(commits).toHaveLength(0);
    frames[0]!();
    expect(commits).toHaveLength(1);
    expect(commits[0]).toHaveLength(100);
  });

  it('flushes synchronously on demand, and the pending frame then has nothing to do', () => {
    const commits: Incoming[][] = [];
    const frames: (() => void)[] = [];
    const buffer = createFrameBuffer(
      (items) => commits.push(items),
      (callback) => frames.push(callback),
    );
    buffer.push(item(1));
    buffer.flush();
    frames[0]!();
    expect(commits).toEqual([[item(1)]]);
    expect(buffer.size).toBe(0);
  });
});

describe('pacedFrames', () => {
  /** A hand-driven clock: timers and frames run only when the test says so. */
  function fakeClock() {
    let now = 0;
    const timers: { at: number; run: () => void }[] = [];
    const frames: (() => void)[] = [];
    return {
      clock: {
        now: () => now,
        setTimeout: (run: () => void, ms: number) => timers.push({ at: now + ms, run }),
        requestAnimationFrame: (run: () => void) => frames.push(run),
      },
      /** Advances time, running due timers in order. */
      advance(ms: number) {
        const until = now + ms;
        for (;;) {
          timers.sort((a, b) => a.at - b.at);
          const next = timers[0];
          if (!next || next.at > until) break;
          timers.shift();
          now = next.at;
          next.run();
        }
        now = until;
      },
      frame() {
        frames.splice(0).forEach((run) => run());
      },
    };
  }

  it('runs the first callback at the next frame, and the next no sooner than everyMs later', () => {
    const t = fakeClock();
    const schedule = pacedFrames(100, t.clock);
    const runs: number[] = [];
    schedule(() => runs.push(t.clock.now()));
    t.frame();
    expect(runs).toEqual([0]);

    schedule(() => runs.push(t.clock.now()));
    t.advance(16);
    t.frame();
    expect(runs).toEqual([0]); // a frame came, but too soon
    t.advance(84);
    t.frame();
    expect(runs).toEqual([0, 100]);
  });

  it('runs once without frames (a background tab), from the timer, and never twice', () => {
    const t = fakeClock();
    const schedule = pacedFrames(100, t.clock);
    let runs = 0;
    schedule(() => (runs += 1));
    t.advance(249);
    expect(runs).toBe(0);
    t.advance(1);
    expect(runs).toBe(1);
    t.frame(); // the frame that finally comes finds it done
    expect(runs).toBe(1);
  });

  it('with no requestAnimationFrame at all, runs from a timer', () => {
    const t = fakeClock();
    const schedule = pacedFrames(100, { now: t.clock.now, setTimeout: t.clock.setTimeout });
    let runs = 0;
    schedule(() => (runs += 1));
    t.advance(16);
    expect(runs).toBe(1);
  });
});
