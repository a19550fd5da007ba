import { describe, expect, it } from 'vitest';
import { createEpochFence } from './epoch-fence';
import type { FenceAnswer, StreamLog } from './stream-log';

const answer = (epoch: string): FenceAnswer => ({ epoch, last: '0-0', n: 0, length: 0, outcome: 'kept' });

/** A log whose fence calls answer from a script: an epoch string, or an Error to throw. */
function scriptedLog(script: (string | Error)[]): StreamLog {
  return {
    fence: () => {
      const next = script.shift();
      return next instanceof Error || next === undefined
        ? Promise.reject(next ?? new Error('script exhausted'))
        : Promise.resolve(answer(next));
    },
  } as unknown as StreamLog;
}

function fence(script: (string | Error)[]) {
  const health: boolean[] = [];
  const epochs: string[] = [];
  const f = createEpochFence({
    log: scriptedLog(script),
    onAnswer: (a) => epochs.push(a.epoch),
    onHealth: (ok) => health.push(ok),
  });
  return { f, health, epochs };
}

describe('createEpochFence', () => {
  it('reports a failed bootstrap at once, then health when a retry succeeds', async () => {
    const { f, health, epochs } = fence([new Error('OOM'), new Error('OOM'), 'e1']);
    await f.check();
    await f.check();
    expect(health).toEqual([false]);
    await f.check();
    expect(health).toEqual([false, true]);
    expect(epochs).toEqual(['e1']);
    expect(f.ok).toBe(true);
  });

  it('needs two failed checks in a row before a working instance is unavailable', async () => {
    const { f, health } = fence(['e1', new Error('timeout'), 'e1', new Error('timeout'), new Error('timeout')]);
    await f.check();
    await f.check(); // one slow reply: still ok
    expect(health).toEqual([true]);
    await f.check();
    await f.check();
    await f.check();
    expect(health).toEqual([true, false]);
    expect(f.ok).toBe(false);
  });

  it('coalesces concurrent checks into one call', async () => {
    const { f, epochs } = fence(['e1', 'e2']);
    await Promise.all([f.check(), f.check(), f.check()]);
    expect(epochs).toEqual(['e1']);
  });
});
