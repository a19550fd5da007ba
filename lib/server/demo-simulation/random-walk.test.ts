import { describe, expect, it } from 'vitest';
import { DEMO_FEEDS as FEEDS } from '@/lib/metrics/feeds';
import { FEED_SIMULATION } from './feed-simulation';
import { createRandomWalk, createRng } from './random-walk';

const series = (seed: number, feedIndex: number, n: number) => {
  const feed = FEEDS[feedIndex]!;
  const walk = createRandomWalk(feed, FEED_SIMULATION[feed.name], seed);
  return Array.from({ length: n }, () => walk.next());
};

const spike = (name: (typeof FEEDS)[number]['name']) => Math.abs(FEED_SIMULATION[name].spikeSize);

describe('simulated feeds', () => {
  it('are reproducible: the same seed gives the same values', () => {
    expect(series(42, 0, 200)).toEqual(series(42, 0, 200));
    expect(series(42, 0, 50)).not.toEqual(series(43, 0, 50));
  });

  it('give each feed its own sequence from one seed', () => {
    const a = createRandomWalk({ ...FEEDS[0], name: 'a' }, FEED_SIMULATION[FEEDS[0].name], 7);
    const b = createRandomWalk({ ...FEEDS[0], name: 'b' }, FEED_SIMULATION[FEEDS[0].name], 7);
    expect([a.next(), a.next()]).not.toEqual([b.next(), b.next()]);
  });

  it('stay within bounds and keep the declared decimals, for every feed', () => {
    FEEDS.forEach((feed, index) => {
      const values = series(1, index, 5000);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(feed.min);
      expect(Math.max(...values)).toBeLessThanOrEqual(feed.max);
      const factor = 10 ** feed.decimals;
      expect(values.filter((value) => Math.round(value * factor) / factor !== value)).toEqual([]);
    });
  });

  it('move, and spike now and then', () => {
    // The feed with the largest spikes: a jump of more than half a spike is one.
    const index = FEEDS.reduce((best, feed, i) => (spike(feed.name) > spike(FEEDS[best]!.name) ? i : best), 0);
    const { min, max, name } = FEEDS[index]!;
    const values = series(42, index, 2000);
    expect(new Set(values).size).toBeGreaterThan(100);
    const jumps = values.slice(1).filter((value, i) => Math.abs(value - values[i]!) > (spike(name) * (max - min)) / 2);
    expect(jumps.length).toBeGreaterThan(5);
  });

  it('rng yields floats in [0, 1)', () => {
    const rng = createRng(1);
    for (let i = 0; i < 1000; i += 1) {
      const x = rng();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
