import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../testing/fake-clock';
import { createLeaderWatch, outranks } from './leader-watch';

/** The follower's watch on its leader, and the lease claim, with the fake clock. */

function setup() {
  const clock = createFakeClock(0);
  const log: string[] = [];
  const watch = createLeaderWatch({
    env: {
      now: clock.now,
      setTimeout: (run, ms) => clock.setTimeout(run, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    },
    leaseMs: 1500,
    probeTimeoutMs: 1000,
    claimWindowMs: 300,
    probe: () => log.push(`probe@${clock.now()}`),
    onLost: () => log.push(`lost@${clock.now()}`),
    sendClaim: (term) => log.push(`claim ${term}@${clock.now()}`),
    onWon: (term) => log.push(`won ${term}@${clock.now()}`),
  });
  return { watch, log, advance: (ms: number) => clock.advanceSync(ms) };
}

describe('createLeaderWatch()', () => {
  it('probes after a silent lease and declares the leader lost only if the probe goes unanswered', () => {
    const { watch, log, advance } = setup();
    watch.watch();
    advance(1500);
    expect(log).toEqual(['probe@1500']);
    watch.heard();
    advance(1000);
    expect(log).toEqual(['probe@1500']);
    // The lease counts from the answer (1500), not from the end of the probe.
    advance(500);
    expect(log).toEqual(['probe@1500', 'probe@3000']);
    advance(999);
    expect(log).toEqual(['probe@1500', 'probe@3000']);
    advance(1);
    expect(log).toEqual(['probe@1500', 'probe@3000', 'lost@4000']);
  });

  it('never probes a leader that keeps talking', () => {
    const { watch, log, advance } = setup();
    watch.watch();
    for (let i = 0; i < 20; i += 1) {
      advance(700);
      watch.heard();
    }
    expect(log).toEqual([]);
  });

  it('a claim stands after its window unless a better claim or a leader shows up', () => {
    const { watch, log, advance } = setup();
    watch.claim(10);
    expect(watch.otherClaim(9, 'zzz', 'mmm')).toBe(false);
    expect(watch.otherClaim(10, 'zzz', 'mmm')).toBe(false);
    advance(300);
    expect(log).toEqual(['claim 10@0', 'won 10@300']);

    const second = setup();
    second.watch.claim(10);
    expect(second.watch.otherClaim(10, 'aaa', 'mmm')).toBe(true);
    second.advance(300);
    expect(second.log).toEqual(['claim 10@0']);

    const third = setup();
    third.watch.claim(10);
    third.watch.heard();
    third.advance(300);
    expect(third.log).toEqual(['claim 10@0']);
  });

  it('ranks by term, then by the smaller id', () => {
    expect(outranks(2, 'b', 1, 'a')).toBe(true);
    expect(outranks(1, 'a', 1, 'b')).toBe(true);
    expect(outranks(1, 'b', 1, 'a')).toBe(false);
  });
});
