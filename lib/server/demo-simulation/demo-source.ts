import 'server-only';
import { logger } from '../observability/logger';
import { randomInt } from 'node:crypto';
import { DEMO_FEEDS } from '@/lib/metrics/feeds';
import type { Sample } from '../bus';
import type { CreateSource } from '../source/metrics-source';
import { FEED_SIMULATION } from './feed-simulation';
import { createRandomWalk } from './random-walk';

const log = logger('demo');
const producerLog = logger('producer');

/**
 * DEMO SIMULATION: DELETE THIS FOLDER WHEN YOU FORK.
 *
 * Everything in `lib/server/demo-simulation/` exists only to make the demo move: this source
 * (one point per feed every `METRICS_INTERVAL_MS`, published as one batch per tick, so each
 * stream receives a tick as one chunk), the seeded random walks (`random-walk.ts`) and how each
 * feed is simulated (`feed-simulation.ts`). The app reaches it through one line,
 * `lib/server/source/selected-source.ts`; point that line at your own source (or at the
 * push-only one, for data sent to `POST /api/ingest`) and delete the folder (docs/fork.md).
 *
 * The seed is `METRICS_SEED`, or a new one per boot (printed): the same seed gives the same
 * shapes after every restart, which tests and screenshots want and a demo visitor does not.
 *
 * Its history (the last `SOURCE_HISTORY_MS`, generated at start so the first page is full) is
 * invented like the rest: after a restart it also covers the minutes the server was down, where
 * a real source's history would be what really happened then. `SOURCE_HISTORY_MS=0` turns it off
 * (the e2e kit does, so a restart's hole stays a hole).
 */
export const createDemoSource: CreateSource = ({ publish, env, now = Date.now }) => {
  const intervalMs = env.METRICS_INTERVAL_MS;
  const seed = env.METRICS_SEED ?? randomInt(2 ** 31 - 1);
  if (env.METRICS_SEED === undefined) {
    log.info({ seed }, `simulation seed ${seed} for this boot (METRICS_SEED=${seed} repeats these shapes)`);
  }
  const walks = DEMO_FEEDS.map((feed) => ({
    name: feed.name,
    walk: createRandomWalk(feed, FEED_SIMULATION[feed.name], seed),
  }));
  const sample = (ts: number): Sample[] => walks.map(({ name, walk }) => ({ feed: name, value: walk.next(), ts }));
  let timer: ReturnType<typeof setInterval> | undefined;
  let ticks = 0;
  let failing = false;

  const tick = () => {
    ticks += 1;
    // A shared log may refuse or fail a tick (Redis down, lease lost): never thrown into a
    // timer, and the next tick tries again. Logged once per run of failures, not once per tick.
    publish(sample(now())).then(
      () => {
        if (failing) producerLog.info('publishing again');
        failing = false;
      },
      (error: unknown) => {
        if (!failing)
          producerLog.error({ err: error }, 'publish failed (further failures not logged until it works again)');
        failing = true;
      },
    );
  };

  return {
    /** The walks of the last `windowMs`, one tick per interval, ending one interval before now. */
    history(windowMs) {
      const end = now();
      const out: Sample[] = [];
      for (let k = Math.floor(windowMs / intervalMs); k >= 1; k -= 1) out.push(...sample(end - k * intervalMs));
      return out;
    },
    resumeFrom(values) {
      for (const { name, walk } of walks) {
        const value = values[name];
        if (value !== undefined) walk.resumeFrom(value);
      }
    },
    tick,
    intervalMs,
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      // The source alone must not keep a process alive (tests, graceful shutdown).
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
};
