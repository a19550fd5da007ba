import { logger } from '../observability/logger';
import { describe, expect, it, vi } from 'vitest';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import type { Sample } from '../bus';
import { parseEnv } from '../env';
import { createDemoSource } from './demo-source';

const demo = (env: Record<string, string>, published: Sample[][] = []) =>
  createDemoSource({
    env: parseEnv({ METRICS_INTERVAL_MS: '1000', ...env }),
    publish: (samples) => {
      published.push([...samples]);
      return Promise.resolve();
    },
    now: () => 1_000_000,
  });

describe('the demo source', () => {
  it('generates its last window as history: one tick per interval, every feed, ending before now', () => {
    const history = demo({ METRICS_SEED: '1' }).history!(10_000) as Sample[];
    expect(history).toHaveLength(10 * FEED_NAMES.length);
    expect(new Set(history.map((s) => s.ts))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => 1_000_000 - (10 - i) * 1000)),
    );
  });

  it('repeats the same shapes with the same METRICS_SEED, and the live ticks continue the history', () => {
    const published: Sample[][] = [];
    const a = demo({ METRICS_SEED: '7' }, published);
    const b = demo({ METRICS_SEED: '7' });
    expect(a.history!(5000)).toEqual(b.history!(5000));
    a.tick!();
    expect(published[0]!.map((s) => s.feed)).toEqual(FEED_NAMES);
    expect(a.ticks).toBe(1);
  });

  it('picks a new seed per boot when METRICS_SEED is unset, and says which', () => {
    const log = vi.spyOn(logger('demo'), 'info').mockImplementation(() => {});
    const runs = Array.from({ length: 3 }, () => JSON.stringify(demo({}).history!(5000)));
    expect(new Set(runs).size).toBe(3);
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ seed: expect.any(Number) }),
      expect.stringMatching(/seed \d+ for this boot \(METRICS_SEED=\d+/),
    );
    log.mockRestore();
  });
});
