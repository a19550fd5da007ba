import { describe, expect, it } from 'vitest';
import { RepeatGate } from './repeat-gate';

describe('RepeatGate', () => {
  it('passes a burst of one kind of line per window, counts the rest, and reports them with the next line', () => {
    let now = 0;
    const gate = new RepeatGate({ burst: 3, windowMs: 1000, now: () => now });
    // A thousand streams ended by one outage: three lines pass.
    const passed = Array.from({ length: 1000 }, () => gate.pass('stream closed: error')).filter(Boolean);
    expect(passed).toEqual([{ dropped: 0 }, { dropped: 0 }, { dropped: 0 }]);
    // Another kind of line is not held back by the first.
    expect(gate.pass('Redis unavailable')).toEqual({ dropped: 0 });
    // Next window: the first line says how many were not written.
    now = 1000;
    expect(gate.pass('stream closed: error')).toEqual({ dropped: 997 });
    expect(gate.pass('stream closed: error')).toEqual({ dropped: 0 });
  });

  it('hands dropped counts to drain() once, when no later line of the kind comes', () => {
    const gate = new RepeatGate({ burst: 1, windowMs: 1000, now: () => 0 });
    gate.pass('a');
    gate.pass('a');
    gate.pass('a');
    gate.pass('b');
    expect(gate.drain()).toEqual([{ key: 'a', dropped: 2 }]);
    expect(gate.drain()).toEqual([]);
  });

  it('tracks a bounded number of kinds', () => {
    let now = 0;
    const gate = new RepeatGate({ burst: 1, windowMs: 10, now: () => now });
    for (let i = 0; i < 5000; i += 1) {
      now = i;
      expect(gate.pass(`kind ${i}`)).toEqual({ dropped: 0 });
    }
    expect((gate as unknown as { keys: Map<string, unknown> }).keys.size).toBeLessThanOrEqual(1000);
  });
});
