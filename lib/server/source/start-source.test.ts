import { describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { MemoryBus } from '../memory-bus';
import type { CreateSource } from './metrics-source';
import { createPushOnlySource } from './push-only-source';
import { startSource } from './start-source';

const bus = () => new MemoryBus({ capacity: 100, snapshotWindowMs: 60_000, epoch: 'ep' });

/** A scheduled source that never publishes: only its declared interval matters here. */
const scheduled: CreateSource = () => ({
  intervalMs: 250,
  start() {},
  stop() {},
  running: false,
  ticks: 0,
});

describe('startSource: the data interval announced in hello', () => {
  it('is the scheduled source’s interval, also when this process does not produce (PRODUCER=off)', async () => {
    for (const PRODUCER of ['on', 'off'] as const) {
      const env = parseEnv({ PRODUCER, SOURCE_HISTORY_MS: '0' });
      const running = startSource({ env, bus: bus(), instanceId: 't', createSource: scheduled });
      expect(running.dataIntervalMs, PRODUCER).toBe(250);
      await running.stop();
    }
  });

  it('is null for a source without a schedule, so clients judge the link by the heartbeat alone', async () => {
    const running = startSource({ env: parseEnv({}), bus: bus(), instanceId: 't', createSource: createPushOnlySource });
    expect(running.dataIntervalMs).toBeNull();
    await running.stop();
  });
});
