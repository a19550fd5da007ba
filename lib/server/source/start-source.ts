import 'server-only';
import type { EventBus } from '../bus';
import type { ServerEnv } from '../env';
import type { CreateSource, MetricsSource } from './metrics-source';
import { ALWAYS_LEADER, produceWhileLeader, type ProducerLease } from './produce-while-leader';
import { createSource as selectedSource } from './selected-source';

/**
 * The one place that decides whether this process produces, and starts the source:
 *
 * - `PRODUCER=off`: never (a web instance on a serverless host; points come from
 *   `npm run producer` or `POST /api/ingest`);
 * - memory bus: at once, the embedded default (`npm run dev` needs nothing else);
 * - Redis bus: while this process holds the producer lease, so that of all the processes on
 *   one Redis exactly one produces (`produce-while-leader.ts`).
 *
 * Used by the web runtime (runtime.ts) and by `npm run producer` (scripts/producer.ts).
 */

export interface RunningSource {
  /** `embedded`: this process runs the source (with Redis, while it leads); `off`: `PRODUCER=off`. */
  readonly mode: 'embedded' | 'off';
  readonly running: boolean;
  readonly ticks: number;
  /**
   * The selected source's schedule (`MetricsSource.intervalMs`), for `hello`: known even when
   * this process does not produce, since `npm run producer` runs the same source. Null for a
   * source without a schedule (push-only).
   */
  readonly dataIntervalMs: number | null;
  /** Whether this process is the producer now (always false when off, true on the memory bus). */
  readonly leader: boolean;
  /** Publishes one batch now (the fault route); false when this process has no source that can. */
  tick(): boolean;
  /** Stops the source and gives the lease up at once, so another process takes over without waiting. */
  stop(): Promise<void>;
}

export interface StartSourceOptions {
  env: ServerEnv;
  bus: EventBus;
  /** The name this process has in the producer lease. */
  instanceId: string;
  /**
   * With a shared log: this process's producer lease (../shared-log.ts). Default none: the one
   * process there is always produces.
   */
  createLease?: () => ProducerLease;
  /** Defaults to the app's selected source (`selected-source.ts`); injected by tests. */
  createSource?: CreateSource;
}

export function startSource({
  env,
  bus,
  instanceId,
  createLease,
  createSource = selectedSource,
}: StartSourceOptions): RunningSource {
  const source: MetricsSource = createSource({ env, publish: (samples) => bus.publish(samples) });
  const dataIntervalMs = source.intervalMs ?? null;
  // Created but never started when off: a source's factory only prepares; start() produces.
  if (env.PRODUCER === 'off') return notProducing(dataIntervalMs);
  const lease: ProducerLease | null = createLease ? createLease() : null;
  const stopFollowing = produceWhileLeader(source, lease ?? ALWAYS_LEADER, bus, {
    historyMs: env.SOURCE_HISTORY_MS ?? env.SNAPSHOT_WINDOW_MS,
    // Half the replay window at most: the rest is room for what clients miss while offline.
    maxHistory: Math.floor(env.SSE_REPLAY_CAPACITY / 2),
    name: instanceId,
  });
  lease?.start();
  return {
    mode: 'embedded',
    dataIntervalMs,
    get running() {
      return source.running;
    },
    get ticks() {
      return source.ticks;
    },
    get leader() {
      return lease ? lease.leader : true;
    },
    tick() {
      if (!source.tick) return false;
      source.tick();
      return true;
    },
    async stop() {
      stopFollowing();
      await lease?.stop();
    },
  };
}

const notProducing = (dataIntervalMs: number | null): RunningSource => ({
  mode: 'off',
  dataIntervalMs,
  running: false,
  ticks: 0,
  leader: false,
  tick: () => false,
  stop: () => Promise.resolve(),
});
