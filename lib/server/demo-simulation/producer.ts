import 'server-only';
import { FEEDS, type FeedName } from '@/lib/metrics/feeds';
import type { EventBus, Sample } from '../bus';
import { FEED_SIMULATION } from './feed-simulation';
import { createRandomWalk } from './random-walk';

/**
 * DEMO SIMULATION: REPLACE THIS FOLDER WHEN YOU FORK.
 *
 * Everything in `lib/server/demo-simulation/` exists only to make the demo move: this producer
 * (one point per feed every `intervalMs`, published as one batch per tick, so each stream
 * receives a tick as one chunk), the seeded random walks (`random-walk.ts`) and how each feed
 * is simulated (`feed-simulation.ts`). Nothing else in the app imports the walks or the table.
 *
 * To serve real metrics, keep the contract and swap the source: something that calls
 * `bus.publish(samples)` once per batch of real readings (a poller, a queue consumer, a webhook
 * handler) and offers `tick/start/stop/resumeFrom` to the runtime, or drop the producer entirely
 * and publish from wherever your data arrives. With the Redis bus, publish from one place only
 * (the lease in `runtime.ts` shows how the demo elects it).
 */

export interface ProducerOptions {
  bus: EventBus;
  /** `METRICS_INTERVAL_MS`. */
  intervalMs: number;
  /** `METRICS_SEED`. */
  seed: number;
  /** Defaults to `Date.now`. */
  now?: () => number;
}

export interface Producer {
  /** Publishes one tick now (used by the timer, and directly by tests and benchmarks). */
  tick(): void;
  /** Continues each feed's walk from these values (after taking over a shared log). */
  resumeFrom(values: Partial<Record<FeedName, number>>): void;
  start(): void;
  stop(): void;
  readonly running: boolean;
  readonly ticks: number;
}

export function createProducer({ bus, intervalMs, seed, now = Date.now }: ProducerOptions): Producer {
  const walks = FEEDS.map((feed) => ({
    name: feed.name as FeedName,
    walk: createRandomWalk(feed, FEED_SIMULATION[feed.name], seed),
  }));
  let timer: ReturnType<typeof setInterval> | undefined;
  let ticks = 0;

  let failing = false;

  const tick = () => {
    const ts = now();
    const samples: Sample[] = walks.map(({ name, walk }) => ({ feed: name, value: walk.next(), ts }));
    ticks += 1;
    // A shared log may refuse or fail a tick (Redis down, lease lost): never thrown into a
    // timer, and the next tick tries again. Logged once per run of failures, not once per tick.
    bus.publish(samples).then(
      () => {
        if (failing) console.log('[producer] publishing again');
        failing = false;
      },
      (error: unknown) => {
        if (!failing) console.error('[producer] publish failed (further failures not logged):', String(error));
        failing = true;
      },
    );
  };

  return {
    tick,
    resumeFrom(values) {
      for (const { name, walk } of walks) {
        const value = values[name];
        if (value !== undefined) walk.resumeFrom(value);
      }
    },
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      // The producer alone must not keep a process alive (tests, graceful shutdown).
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    get running() {
      return timer !== undefined;
    },
    get ticks() {
      return ticks;
    },
  };
}
