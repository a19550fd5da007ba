import { describe, expect, it } from 'vitest';
import { SERVER_FEEDS } from '@/lib/metrics/feeds';
import type { Sample } from '../bus';
import { parseEnv } from '../env';
import { createServerSourceWith, type ProcessProbe } from './server-source';

describe('the "this server" source', () => {
  it('publishes open streams, events/s, loop delay and memory of the process, within the catalogue bounds', () => {
    const tally = { events: 0, bytes: 0, streams: 3 };
    let clock = 1_000_000;
    let delays = [12.345];
    const probe: ProcessProbe = {
      tally,
      rssBytes: () => 150 * 1024 * 1024,
      loopDelay: () => ({ p99Ms: () => delays.shift() ?? 0, stop: () => {} }),
    };
    const published: Sample[][] = [];
    const source = createServerSourceWith(() => probe)({
      env: parseEnv({ METRICS_INTERVAL_MS: '60000' }),
      publish: (samples) => {
        published.push([...samples]);
        return Promise.resolve();
      },
      now: () => clock,
    });
    source.start();
    // The first point has no interval to measure events/s over.
    expect(published[0]!.map((s) => [s.feed, s.value])).toEqual([
      ['server_streams', 3],
      ['server_events_per_s', 0],
      ['server_loop_delay_ms', 12.3],
      ['server_memory_mb', 150],
    ]);
    tally.events += 500;
    tally.streams = 1;
    clock += 2000;
    delays = [1e9];
    source.tick!();
    source.stop();
    const second = Object.fromEntries(published[1]!.map((s) => [s.feed, s.value]));
    expect(second).toEqual({
      server_streams: 1,
      server_events_per_s: 250,
      // Clamped to the feed's bound.
      server_loop_delay_ms: SERVER_FEEDS.find((f) => f.name === 'server_loop_delay_ms')!.max,
      server_memory_mb: 150,
    });
    expect(published[1]!.every((s) => s.ts === clock)).toBe(true);
    expect([source.ticks, source.running, source.intervalMs]).toEqual([2, false, 60000]);
  });
});
