import 'server-only';
import { logger } from '../observability/logger';
import { getServerMetrics } from '../observability/server-metrics';
import { OutOfOrderError, type EventBus } from '../bus';
import type { MetricsSource } from './metrics-source';

/**
 * Runs `source` exactly while `lease` says this process is the producer, so that of all the
 * processes sharing one log (web instances, `npm run producer`) one produces at a time. On
 * becoming the producer it looks at the log first:
 *
 * - a log with no events yet gets the source's history (so the first page is a full chart);
 * - a log that has events is continued: `resumeFrom` gets each feed's newest value, and seqs
 *   continue where the previous producer left them (the bus assigns them).
 *
 * Then it starts the source, and stops it the moment the lease is lost. A lease that never
 * changes (`ALWAYS_LEADER`) is the single-process case: the memory bus.
 */

export interface Leadership {
  readonly leader: boolean;
  /** Calls `listener` on every change from now on; returns the unsubscribe. */
  subscribe(listener: (leader: boolean) => void): () => void;
}

/** A lease this process takes part in (the Redis one: redis/leader-lease.ts). */
export interface ProducerLease extends Leadership {
  start(): void;
  /** Stops trying and gives the lease up at once, so a peer takes over without waiting for expiry. */
  stop(): Promise<void>;
}

/** The one process there is: always the producer (the memory bus). */
export const ALWAYS_LEADER: Leadership = { leader: true, subscribe: () => () => {} };

export interface ProduceOptions {
  /** How much history to ask the source for (`SOURCE_HISTORY_MS`, by default what a chart shows); 0: none. */
  historyMs: number;
  /**
   * At most this many history events are published (the newest), so a history never fills the
   * replay window by itself. Default: no limit.
   */
  maxHistory?: number;
  /** Named in the log lines. */
  name: string;
}

/** Largest history batch: one append, a few hundred kilobytes at most. */
const HISTORY_CHUNK = 1000;

const log = logger('producer');

/** Starts following `lease`; returns the stop (which also stops the source). */
export function produceWhileLeader(
  source: MetricsSource,
  lease: Leadership,
  bus: Pick<EventBus, 'publish' | 'tail'>,
  options: ProduceOptions,
): () => void {
  const metrics = getServerMetrics();
  // Bumped on every change, so an old takeover that is still reading the log does not start
  // a source after the lease was lost (or lost and taken again).
  let generation = 0;

  const takeOver = async (mine: number) => {
    try {
      const tail = await bus.tail();
      if (mine !== generation) return;
      if (tail.appended === 0 && source.history && options.historyMs > 0) await publishHistory(mine);
      else source.resumeFrom?.(tail.values);
    } catch (error) {
      // Without history or the newest values the source still starts: lines then begin fresh.
      log.warn({ instance: options.name, err: error }, 'could not prepare the log: producing anyway');
    }
    if (mine === generation && lease.leader) source.start();
  };

  const publishHistory = async (mine: number) => {
    const history = [...(await source.history!(options.historyMs))];
    const samples = history.slice(Math.max(0, history.length - (options.maxHistory ?? Infinity)));
    samples.sort((a, b) => a.ts - b.ts);
    for (let i = 0; i < samples.length && mine === generation; i += HISTORY_CHUNK) {
      try {
        await bus.publish(samples.slice(i, i + HISTORY_CHUNK), { order: 'exact' });
      } catch (error) {
        // Someone appended newer points first (an ingest): history would now go back in time.
        if (error instanceof OutOfOrderError) return log.info('history skipped: the log moved on');
        throw error;
      }
    }
    if (samples.length)
      log.info({ instance: options.name, events: samples.length }, `loaded ${samples.length} events of history`);
  };

  const follow = (leader: boolean) => {
    generation += 1;
    log.info({ instance: options.name, leader }, leader ? 'holds the lease: producing' : 'does not hold the lease');
    metrics.leaseChanges.inc({ to: leader ? 'leader' : 'follower' });
    metrics.producerLeader.set(leader ? 1 : 0);
    if (leader) void takeOver(generation);
    else source.stop();
  };

  const unsubscribe = lease.subscribe(follow);
  metrics.producerLeader.set(lease.leader ? 1 : 0);
  if (lease.leader) void takeOver(generation);
  return () => {
    unsubscribe();
    generation += 1;
    source.stop();
    metrics.producerLeader.set(0);
  };
}
