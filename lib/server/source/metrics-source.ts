import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Sample } from '../bus';
import type { ServerEnv } from '../env';

/**
 * The seam between where metrics come from and everything that serves them. A source produces
 * batches of samples and hands them to `publish`; the bus assigns seqs and cursors, keeps the
 * replay history and fans each batch out to every open stream. Nothing else in the app knows
 * what the source is.
 *
 * Which source runs is chosen in one line (`selected-source.ts`) and started in one place
 * (`start-source.ts`): in this process, or in `npm run producer` (scripts/producer.ts), and
 * with Redis only while the process holds the producer lease (`produce-while-leader.ts`).
 * Points can also be pushed from outside with `POST /api/ingest`, with or without a source.
 *
 * Implementations: the demo simulation (`lib/server/demo-simulation/`, delete it when you fork)
 * and `push-only-source.ts` (produces nothing: every point arrives through ingest).
 */

export interface SourceContext {
  /**
   * Appends one batch to the shared log. Rejects when this process may not publish now (with
   * Redis: another process holds the producer lease, or the log changed epoch): a source logs
   * that and carries on; it is stopped when the lease is lost.
   */
  publish: (samples: readonly Sample[]) => Promise<unknown>;
  /** The validated environment, for the source's own settings (the demo reads `METRICS_*`). */
  env: ServerEnv;
  /** Defaults to `Date.now`; injected by tests. */
  now?: () => number;
}

export interface MetricsSource {
  /**
   * What the source already has of the last `windowMs` (`SOURCE_HISTORY_MS`, by default the
   * snapshot window), oldest first: published once, before
   * `start()`, into a log that has no events yet, so the first page a visitor opens is a full
   * chart instead of a few seconds of line. A real source reads its own store; the demo
   * generates the window. Optional: without it, charts fill as points arrive.
   */
  history?(windowMs: number): readonly Sample[] | Promise<readonly Sample[]>;
  /**
   * Continue from each feed's newest value in the log (the source takes over a shared log that
   * another process produced into). Optional: a source that reads real values needs nothing.
   */
  resumeFrom?(values: Partial<Record<FeedName, number>>): void;
  /**
   * How often the source publishes a point of every feed, when it works on a schedule (the demo:
   * `METRICS_INTERVAL_MS`). Announced to clients in `hello` (`dataIntervalMs`), so a page calls a
   * link dead after a few missed points instead of after 2.5 heartbeats (37.5 s by default).
   * Leave it out when points come irregularly (pushed, event-driven): clients then judge the link
   * by the heartbeat alone, rather than calling every quiet moment a dead link.
   */
  readonly intervalMs?: number;
  start(): void;
  stop(): void;
  /** Publishes one batch now, off schedule (the fault route's `publish`, tests). Optional. */
  tick?(): void;
  readonly running: boolean;
  /** Batches published since the process started (shown by `/api/health`). */
  readonly ticks: number;
}

export type CreateSource = (context: SourceContext) => MetricsSource;
