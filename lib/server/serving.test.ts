import { describe, expect, it } from 'vitest';
import { healthStatus, ready, serving } from './serving';

/** What the health and readiness routes say, from the bus, the shared sign-outs and the drain. */
const runtime = ({
  healthy = true,
  epoch = 'e1',
  synced = true,
  draining = false,
}: { healthy?: boolean; epoch?: string; synced?: boolean | null; draining?: boolean } = {}) => ({
  bus: { healthy: () => healthy, epoch: () => epoch },
  revocationChannel: synced === null ? null : { synced: () => synced },
  draining,
});

describe('healthStatus', () => {
  it('is ok only while the bus is healthy and the shared sign-outs are read back (or there are none)', () => {
    expect(healthStatus(runtime())).toBe('ok');
    expect(healthStatus(runtime({ synced: null }))).toBe('ok'); // the memory bus: nothing shared to read
    expect(healthStatus(runtime({ healthy: false }))).toBe('degraded'); // Redis unreachable
    expect(healthStatus(runtime({ synced: false }))).toBe('degraded'); // starting: sign-outs not read yet
    expect(serving(runtime({ synced: false }))).toBe(false);
  });

  it('says draining from the moment of shutdown, whatever the bus', () => {
    expect(healthStatus(runtime({ draining: true }))).toBe('draining');
    expect(healthStatus(runtime({ healthy: false, synced: false, draining: true }))).toBe('draining');
  });
});

describe('ready', () => {
  it('waits for the epoch and the read-back of the shared sign-outs', () => {
    expect(ready(runtime({ healthy: false, epoch: '' }))).toBe(false); // Redis not reached yet
    expect(ready(runtime({ synced: false }))).toBe(false);
    expect(ready(runtime())).toBe(true);
    expect(ready(runtime({ synced: null }))).toBe(true);
  });

  it('stays true through a Redis outage once come up, and false while draining', () => {
    expect(ready(runtime({ healthy: false }))).toBe(true);
    expect(ready(runtime({ draining: true }))).toBe(false);
  });
});
