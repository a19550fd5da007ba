/**
 * The feed catalogue: what the dashboard shows and what the simulated producer generates.
 *
 * Shared by server and client (pure data). A fork replaces this list with its own series; the
 * generator parameters below are demo scaffolding used only by `lib/server/random-walk.ts`.
 */

export interface FeedDefinition {
  /** Stable identifier used on the wire (`feed` field, `?feeds=` filter). */
  name: string;
  /** Human label for cards and charts. */
  label: string;
  unit: string;
  /** Hard bounds: a generated value never leaves them. */
  min: number;
  max: number;
  /** Decimal places kept on the wire and shown in the UI. */
  decimals: number;
  /** Demo scaffolding: where the random walk starts, how far it moves per tick (as a fraction of the range), and how often/far it spikes. */
  sim: { start: number; volatility: number; spikeChance: number; spikeSize: number };
}

export const FEEDS = [
  {
    name: 'cpu',
    label: 'CPU',
    unit: '%',
    min: 0,
    max: 100,
    decimals: 1,
    sim: { start: 35, volatility: 0.02, spikeChance: 0.02, spikeSize: 0.35 },
  },
  {
    name: 'memory',
    label: 'Memory',
    unit: 'MB',
    min: 256,
    max: 4096,
    decimals: 0,
    sim: { start: 1400, volatility: 0.006, spikeChance: 0.01, spikeSize: 0.15 },
  },
  {
    name: 'rps',
    label: 'Requests',
    unit: 'req/s',
    min: 0,
    max: 5000,
    decimals: 0,
    sim: { start: 1200, volatility: 0.03, spikeChance: 0.02, spikeSize: 0.3 },
  },
  {
    name: 'latency_p95',
    label: 'p95 latency',
    unit: 'ms',
    min: 5,
    max: 2000,
    decimals: 1,
    sim: { start: 120, volatility: 0.01, spikeChance: 0.03, spikeSize: 0.25 },
  },
  {
    name: 'error_rate',
    label: 'Error rate',
    unit: '%',
    min: 0,
    max: 100,
    decimals: 2,
    sim: { start: 0.4, volatility: 0.004, spikeChance: 0.015, spikeSize: 0.08 },
  },
  {
    name: 'queue_depth',
    label: 'Queue depth',
    unit: 'jobs',
    min: 0,
    max: 10000,
    decimals: 0,
    sim: { start: 80, volatility: 0.0015, spikeChance: 0.02, spikeSize: 0.05 },
  },
  {
    name: 'db_connections',
    label: 'DB connections',
    unit: 'conns',
    min: 0,
    max: 200,
    decimals: 0,
    sim: { start: 42, volatility: 0.02, spikeChance: 0.01, spikeSize: 0.3 },
  },
  {
    name: 'cache_hit_rate',
    label: 'Cache hit rate',
    unit: '%',
    min: 0,
    max: 100,
    decimals: 1,
    sim: { start: 92, volatility: 0.008, spikeChance: 0.01, spikeSize: -0.3 },
  },
] as const satisfies readonly FeedDefinition[];

export type FeedName = (typeof FEEDS)[number]['name'];

export const FEED_NAMES: readonly FeedName[] = FEEDS.map((feed) => feed.name);

const BY_NAME = new Map<string, FeedDefinition>(FEEDS.map((feed) => [feed.name, feed]));

export function isFeedName(value: string): value is FeedName {
  return BY_NAME.has(value);
}
