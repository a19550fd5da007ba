import 'server-only';
import type { DemoFeedName } from '@/lib/metrics/feeds';

/**
 * Demo scaffolding (see demo-source.ts): how each simulated feed moves. Kept out of the shared feed
 * catalogue (`lib/metrics/feeds.ts`), which a fork keeps, because this table is what it deletes.
 */

export interface FeedSimulation {
  /** Where the random walk starts, and the value it is gently pulled back to. */
  start: number;
  /** How far it moves per tick, as a fraction of the feed's range. */
  volatility: number;
  /** Chance per tick of a spike, and its size as a fraction of the range (negative: a dip). */
  spikeChance: number;
  spikeSize: number;
}

export const FEED_SIMULATION: Readonly<Record<DemoFeedName, FeedSimulation>> = {
  cpu: { start: 35, volatility: 0.02, spikeChance: 0.02, spikeSize: 0.35 },
  memory: { start: 1400, volatility: 0.006, spikeChance: 0.01, spikeSize: 0.15 },
  rps: { start: 1200, volatility: 0.03, spikeChance: 0.02, spikeSize: 0.3 },
  latency_p95: { start: 120, volatility: 0.01, spikeChance: 0.03, spikeSize: 0.25 },
  error_rate: { start: 0.4, volatility: 0.004, spikeChance: 0.015, spikeSize: 0.08 },
  queue_depth: { start: 80, volatility: 0.0015, spikeChance: 0.02, spikeSize: 0.05 },
  db_connections: { start: 42, volatility: 0.02, spikeChance: 0.01, spikeSize: 0.3 },
  cache_hit_rate: { start: 92, volatility: 0.008, spikeChance: 0.01, spikeSize: -0.3 },
};
