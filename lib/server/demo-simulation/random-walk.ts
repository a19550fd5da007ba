import 'server-only';
import type { FeedDefinition } from '@/lib/metrics/feeds';
import type { FeedSimulation } from './feed-simulation';

/**
 * Demo scaffolding (see demo-source.ts): deterministic, seeded generators that make the simulated
 * feeds look like a real service (a bounded random walk with occasional spikes that decay).
 * Same seed, same sequence, so tests can predict shapes.
 */

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, so each feed gets its own stream of numbers from one global seed. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const SPIKE_DECAY = 0.6;

export interface RandomWalk {
  next(): number;
  /** Continue from this value (a new producer taking over a shared log keeps the line smooth). */
  resumeFrom(value: number): void;
}

export function createRandomWalk(feed: FeedDefinition, sim: FeedSimulation, seed: number): RandomWalk {
  const rng = createRng(seed ^ hashString(feed.name));
  const range = feed.max - feed.min;
  const factor = 10 ** feed.decimals;
  let base = sim.start;
  let spike = 0;
  return {
    next() {
      // Centred step plus a gentle pull back to the start value, so the walk wanders but stays plausible.
      const step = (rng() * 2 - 1) * sim.volatility * range;
      const pull = (sim.start - base) * 0.01;
      base = Math.min(feed.max, Math.max(feed.min, base + step + pull));
      spike *= SPIKE_DECAY;
      if (rng() < sim.spikeChance) spike += sim.spikeSize * range * (0.5 + rng() * 0.5);
      const value = Math.min(feed.max, Math.max(feed.min, base + spike));
      return Math.round(value * factor) / factor;
    },
    resumeFrom(value) {
      if (!Number.isFinite(value)) return;
      base = Math.min(feed.max, Math.max(feed.min, value));
      spike = 0;
    },
  };
}
