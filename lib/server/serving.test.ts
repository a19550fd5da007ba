import { describe, expect, it } from 'vitest';
import { healthStatus, serving } from './serving';

/** What the health and readiness routes say, from the bus, the shared sign-outs and the drain. */
const runtime = (bus: boolean, synced: boolean | null, draining = false) => ({
  bus: { healthy: () => bus },
  revocationChannel: synced === null ? null : { synced: () => synced },
  draining,
});

describe('healthStatus', () => {
  it('is ok only while the bus is healthy and the shared sign-outs are read back (or there are none)', () => {
    expect(healthStatus(runtime(true, true))).toBe('ok');
    expect(healthStatus(runtime(true, null))).toBe('ok'); // the memory bus: nothing shared to read
    expect(healthStatus(runtime(false, true))).toBe('degraded'); // Redis unreachable
    expect(healthStatus(runtime(true, false))).toBe('degraded'); // starting: sign-outs not read yet
    expect(serving(runtime(true, false))).toBe(false);
  });

  it('says draining from the moment of shutdown, whatever the bus', () => {
    expect(healthStatus(runtime(true, true, true))).toBe('draining');
    expect(healthStatus(runtime(false, false, true))).toBe('draining');
  });
});
