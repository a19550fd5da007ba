import { describe, expect, it } from 'vitest';
import { watchLifecycleSignals, type LifecycleEnv, type LifecycleSignal } from './lifecycle-signals';
import { createFakeClock } from './testing/fake-clock';

/** Page lifecycle events and the sleep detector, driven by hand: fake targets, and the fake clock. */

function setup(options: Parameters<typeof watchLifecycleSignals>[2] = {}) {
  const clock = createFakeClock();
  let hidden = false;
  const targets = { window: new EventTarget(), document: new EventTarget() };
  const env: LifecycleEnv = {
    ...targets,
    hidden: () => hidden,
    now: clock.now,
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
  const signals: LifecycleSignal[] = [];
  const stop = watchLifecycleSignals(env, (signal) => signals.push(signal), options);
  return {
    env,
    signals,
    stop,
    /** Timers set and not fired yet. */
    timers: () => clock.pending(),
    /** Time passes normally: every timer fires when due. */
    run: (ms: number) => clock.advanceSync(ms),
    /** The machine sleeps `ms`, then every overdue timer fires late (at most once). */
    sleep(ms: number) {
      clock.jump(ms);
      clock.advanceSync(0);
    },
    setHidden(value: boolean) {
      hidden = value;
      targets.document.dispatchEvent(new Event('visibilitychange'));
    },
    page(type: 'pagehide' | 'pageshow', persisted: boolean) {
      targets.window.dispatchEvent(Object.assign(new Event(type), { persisted }));
    },
    doc(type: 'freeze' | 'resume') {
      targets.document.dispatchEvent(new Event(type));
    },
    get now() {
      return clock.now();
    },
  };
}

describe('watchLifecycleSignals()', () => {
  it('reports freeze → resume as suspend → wake', () => {
    const t = setup();
    t.doc('freeze');
    t.doc('resume');
    expect(t.signals).toEqual([
      { kind: 'suspend', cause: 'freeze', persisted: false },
      { kind: 'wake', cause: 'resume' },
    ]);
  });

  it('reports the back/forward cache once, even with the freeze and resume Chrome adds around it', () => {
    const t = setup();
    t.page('pagehide', true);
    t.doc('freeze');
    t.doc('resume');
    t.page('pageshow', true);
    expect(t.signals.map((s) => `${s.kind}:${s.cause}`)).toEqual(['suspend:pagehide', 'suspend:freeze', 'wake:resume']);
    expect(t.signals[0]).toMatchObject({ persisted: true });
  });

  it('ignores the first pageshow of a page (not persisted), and a resume without a suspend', () => {
    const t = setup();
    t.page('pageshow', false);
    t.doc('resume');
    expect(t.signals).toEqual([]);
  });

  it('notices a sleep: its one timer fires far later than due, and says since when nothing ran', () => {
    const t = setup({ tickMs: 5000, sleepAfterMs: 15_000 });
    t.run(60_000);
    expect(t.signals).toEqual([]);
    const dueAt = t.now + 5000;
    t.sleep(120_000);
    expect(t.signals).toEqual([
      { kind: 'check', cause: 'sleep', reason: 'woke from sleep (timer 115.0 s late)', asleepSince: dueAt },
    ]);
    expect(t.timers()).toBe(1);
  });

  it('does not take a hidden tab’s throttled timer (up to a minute late) for a sleep', () => {
    const t = setup({ tickMs: 5000, sleepAfterMs: 15_000, hiddenSleepAfterMs: 90_000 });
    t.setHidden(true);
    t.sleep(65_000);
    expect(t.signals).toEqual([]);
    t.sleep(100_000);
    expect(t.signals.map((s) => s.cause)).toEqual(['sleep']);
  });

  it('does not take the time spent frozen or in the cache for a sleep', () => {
    const t = setup({ tickMs: 5000, sleepAfterMs: 15_000 });
    t.doc('freeze');
    t.sleep(300_000);
    t.doc('resume');
    t.run(10_000);
    expect(t.signals.map((s) => s.kind)).toEqual(['suspend', 'wake']);
  });

  it('asks for a check when the page is visible again after a long hidden period, not a short one', () => {
    const t = setup({ longHiddenMs: 60_000 });
    t.setHidden(true);
    t.run(30_000);
    t.setHidden(false);
    expect(t.signals).toEqual([]);
    t.setHidden(true);
    t.run(61_000);
    t.setHidden(false);
    expect(t.signals).toEqual([
      { kind: 'check', cause: 'long-hidden', reason: 'visible again after 61 s hidden', asleepSince: null },
    ]);
  });

  it('stops listening and clears its timer on unsubscribe', () => {
    const t = setup();
    t.stop();
    expect(t.timers()).toBe(0);
    t.doc('freeze');
    t.sleep(600_000);
    expect(t.signals).toEqual([]);
  });
});
