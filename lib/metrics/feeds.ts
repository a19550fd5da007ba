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

/** The demo's feeds, simulated by `lib/server/demo-simulation/`: replace them with your own series. */
export const DEMO_FEEDS = [
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

/**
 * "This server": the serving process's own numbers, measured, not simulated
 * (`lib/server/this-server/`). In the catalogue only when the app is built with
 * `NEXT_PUBLIC_SERVER_FEEDS=1`: a build-time switch because the page and the browser bundle read
 * this list too, and off by default because the demo's eight feeds are what the dashboard, its
 * screenshots and its tests are laid out for (docs/operations.md).
 */
export const SERVER_FEEDS = [
  { name: 'server_streams', label: 'Open streams (this server)', unit: 'streams', min: 0, max: 1_000_000, decimals: 0 },
  {
    name: 'server_events_per_s',
    label: 'Events written/s (this server)',
    unit: 'ev/s',
    min: 0,
    max: 10_000_000,
    decimals: 0,
  },
  {
    name: 'server_loop_delay_ms',
    label: 'Event-loop delay p99 (this server)',
    unit: 'ms',
    min: 0,
    max: 60_000,
    decimals: 1,
  },
  { name: 'server_memory_mb', label: 'Memory RSS (this server)', unit: 'MB', min: 0, max: 1_000_000, decimals: 0 },
] as const satisfies readonly FeedDefinition[];

/** Whether this build's catalogue has the "this server" feeds (`NEXT_PUBLIC_SERVER_FEEDS=1` at build time). Default false. */
export const SERVER_FEEDS_ENABLED = process.env.NEXT_PUBLIC_SERVER_FEEDS === '1';

export type DemoFeedName = (typeof DEMO_FEEDS)[number]['name'];
export type ServerFeedName = (typeof SERVER_FEEDS)[number]['name'];
export type FeedName = DemoFeedName | ServerFeedName;

/** The catalogue: what the dashboard shows, in order. */
export const FEEDS: readonly (FeedDefinition & { name: FeedName })[] = SERVER_FEEDS_ENABLED
  ? [...DEMO_FEEDS, ...SERVER_FEEDS]
  : DEMO_FEEDS;

export const FEED_NAMES: readonly FeedName[] = FEEDS.map((feed) => feed.name);

const NAMES = new Set<string>(FEED_NAMES);

export function isFeedName(value: string): value is FeedName {
  return NAMES.has(value);
}
