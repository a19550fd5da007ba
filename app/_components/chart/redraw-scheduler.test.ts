import { describe, expect, it } from 'vitest';
import { CLOCK_MS, createRedrawScheduler, MIN_REDRAW_MS, type RedrawEnv } from './redraw-scheduler';

/** When a chart redraws, on a hand-driven clock: timers fire and frames paint only on `advance`. */

function setup(msPerPixel = 750) {
  let now = 10_000;
  let frozen = false;
  let hidden = false;
  let pixel = msPerPixel;
  const timers = new Map<number, { at: number; run: () => void }>();
  const frames = new Map<number, () => void>();
  let ids = 0;
  const env: RedrawEnv = {
    now: () => now,
    setTimeout: (run, ms) => (timers.set(++ids, { at: now + ms, run }), ids),
    clearTimeout: (id) => void timers.delete(id as number),
    requestFrame: (run) => (frames.set(++ids, run), ids),
    cancelFrame: (id) => void frames.delete(id as number),
  };
  const draws: number[] = [];
  const scheduler = createRedrawScheduler({
    draw: () => void draws.push(now),
    msPerPixel: () => pixel,
    frozen: () => frozen,
    hidden: () => hidden,
    env,
  });
  /** Moves time on, firing due timers, then paints one frame. */
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers]) {
      if (timer.at > now) continue;
      timers.delete(id);
      timer.run();
    }
    for (const [id, frame] of [...frames]) {
      frames.delete(id);
      frame();
    }
  };
  return {
    scheduler,
    draws,
    advance,
    freeze: (value: boolean) => void (frozen = value),
    hide: (value: boolean) => void (hidden = value),
    setMsPerPixel: (value: number) => void (pixel = value),
  };
}

describe('createRedrawScheduler()', () => {
  it('coalesces requests into one draw, no sooner than one pixel of time after the last', () => {
    const t = setup(750);
    t.scheduler.drawNow();
    t.scheduler.schedule();
    t.scheduler.schedule();
    t.advance(700);
    expect(t.draws).toEqual([10_000]);
    t.advance(50);
    expect(t.draws).toEqual([10_000, 10_750]);
  });

  it('waits at least a frame and at most the clock interval, whatever the scale', () => {
    const fast = setup(1);
    fast.scheduler.drawNow();
    fast.scheduler.schedule();
    fast.advance(MIN_REDRAW_MS - 1);
    expect(fast.draws).toHaveLength(1);
    fast.advance(1);
    expect(fast.draws).toHaveLength(2);

    const slow = setup(60_000);
    slow.scheduler.drawNow();
    slow.scheduler.schedule();
    slow.advance(CLOCK_MS);
    expect(slow.draws).toHaveLength(2);
  });

  it('schedules nothing while the view is frozen (paused)', () => {
    const t = setup();
    t.freeze(true);
    t.scheduler.schedule();
    t.advance(CLOCK_MS);
    expect(t.draws).toEqual([]);
  });

  it('drawNow draws at once and cancels what was scheduled; cancel drops it', () => {
    const t = setup(100);
    t.scheduler.schedule();
    t.scheduler.drawNow();
    t.advance(CLOCK_MS);
    expect(t.draws).toHaveLength(1);
    t.scheduler.schedule();
    t.scheduler.cancel();
    t.advance(CLOCK_MS);
    expect(t.draws).toHaveLength(1);
  });

  it('draws nothing while the page is hidden, not even a draw scheduled just before it hid', () => {
    const t = setup(750);
    t.scheduler.drawNow();
    t.scheduler.schedule();
    t.hide(true);
    for (let i = 0; i < 10; i += 1) {
      t.scheduler.schedule();
      t.advance(CLOCK_MS);
    }
    t.scheduler.drawNow(); // a view change while hidden: drawn when shown
    expect(t.draws).toEqual([10_000]);
    // Shown again: its owner schedules once, and the next frame draws.
    t.hide(false);
    t.scheduler.schedule();
    t.advance(0);
    expect(t.draws).toEqual([10_000, 20_000]);
  });
});
