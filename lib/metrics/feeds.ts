/**
 * The feed catalogue: what the dashboard shows and what the simulated producer generates.
 *
 * Shared by server and client (pure data). A fork replaces this list with its own series. How the
 * demo simulates each feed lives with the simulation (`lib/server/demo-simulation/`), not here.
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
}

export const FEEDS = [
  {
    name: 'cpu',
    label: 'CPU',
    unit: '%',
    min: 0,
    max: 100,
    decimals: 1,
  },
  {
    name: 'memory',
    label: 'Memory',
    unit: 'MB',
    min: 256,
    max: 4096,
    decimals: 0,
  },
  {
    name: 'rps',
    label: 'Requests',
    unit: 'req/s',
    min: 0,
    max: 5000,
    decimals: 0,
  },
  {
    name: 'latency_p95',
    label: 'p95 latency',
    unit: 'ms',
    min: 5,
    max: 2000,
    decimals: 1,
  },
  {
    name: 'error_rate',
    label: 'Error rate',
    unit: '%',
    min: 0,
    max: 100,
    decimals: 2,
  },
  {
    name: 'queue_depth',
    label: 'Queue depth',
    unit: 'jobs',
    min: 0,
    max: 10000,
    decimals: 0,
  },
  {
    name: 'db_connections',
    label: 'DB connections',
    unit: 'conns',
    min: 0,
    max: 200,
    decimals: 0,
  },
  {
    name: 'cache_hit_rate',
    label: 'Cache hit rate',
    unit: '%',
    min: 0,
    max: 100,
    decimals: 1,
  },
] as const satisfies readonly FeedDefinition[];

export type FeedName = (typeof FEEDS)[number]['name'];

export const FEED_NAMES: readonly FeedName[] = FEEDS.map((feed) => feed.name);

const NAMES = new Set<string>(FEED_NAMES);

export function isFeedName(value: string): value is FeedName {
  return NAMES.has(value);
}
