import 'server-only';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SERVER_FEEDS, type ServerFeedName } from '@/lib/metrics/feeds';
import type { Sample } from '../bus';
import { getServerMetrics, type WriteTally } from '../observability/server-metrics';
import type { CreateSource, MetricsSource } from '../source/metrics-source';

/**
 * "This server": a real source, the example of one. Every `METRICS_INTERVAL_MS` it measures the
 * process it runs in and publishes four points, into the same log and streams as any feed:
 *
 * - `server_streams`: SSE streams open now;
 * - `server_events_per_s`: metric events written to streams per second since the last point;
 * - `server_loop_delay_ms`: the event loop's p99 delay over the interval (how late timers and
 *   I/O callbacks ran: a busy or blocked process);
 * - `server_memory_mb`: resident memory.
 *
 * With several instances on Redis, the producing instance is the one measured (one source
 * produces at a time: produce-while-leader.ts). It has no history: charts start when it does.
 * Its feeds are in the catalogue only with `NEXT_PUBLIC_SERVER_FEEDS=1` (lib/metrics/feeds.ts).
 */

export interface ProcessProbe {
  /** What the streams of this process have written, and how many are open. */
  tally: Readonly<WriteTally>;
  /** Resident memory in bytes. */
  rssBytes(): number;
  /** Starts measuring event-loop delay; returns a reader of the p99 since the last read, in ms, and the stop. */
  loopDelay(): { p99Ms(): number; stop(): void };
}

const nodeProbe = (): ProcessProbe => ({
  tally: getServerMetrics().tally,
  rssBytes: () => process.memoryUsage.rss(),
  loopDelay() {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    return {
      p99Ms() {
        const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0;
        histogram.reset();
        return p99;
      },
      stop: () => histogram.disable(),
    };
  },
});

const LIMITS = new Map(SERVER_FEEDS.map((feed) => [feed.name, feed]));

/** Rounded to the feed's decimals and kept within its bounds, as the catalogue promises. */
function point(feed: ServerFeedName, raw: number, ts: number): Sample {
  const { min, max, decimals } = LIMITS.get(feed)!;
  const factor = 10 ** decimals;
  return { feed, value: Math.min(max, Math.max(min, Math.round(raw * factor) / factor)), ts };
}

export function createServerSourceWith(probe: () => ProcessProbe): CreateSource {
  return ({ publish, env, now = Date.now }) => {
    const intervalMs = env.METRICS_INTERVAL_MS;
    let timer: ReturnType<typeof setInterval> | undefined;
    let loop: ReturnType<ProcessProbe['loopDelay']> | undefined;
    let ticks = 0;
    let lastEvents = 0;
    let lastAt = 0;
    let running = false;
    const measured = probe();

    const tick = () => {
      const at = now();
      const events = measured.tally.events;
      const seconds = Math.max(0.001, (at - lastAt) / 1000);
      const samples = [
        point('server_streams', measured.tally.streams, at),
        point('server_events_per_s', lastAt === 0 ? 0 : (events - lastEvents) / seconds, at),
        point('server_loop_delay_ms', loop?.p99Ms() ?? 0, at),
        point('server_memory_mb', measured.rssBytes() / (1024 * 1024), at),
      ];
      lastEvents = events;
      lastAt = at;
      ticks += 1;
      // A refused publish (lease lost, Redis down) is the bus's to report (one line per outage);
      // the next tick measures again.
      publish(samples).catch(() => {});
    };

    const source: MetricsSource = {
      intervalMs,
      start() {
        if (running) return;
        running = true;
        loop = measured.loopDelay();
        lastAt = 0;
        tick();
        timer = setInterval(tick, intervalMs);
        timer.unref?.();
      },
      stop() {
        running = false;
        clearInterval(timer);
        loop?.stop();
        loop = undefined;
      },
      tick,
      get running() {
        return running;
      },
      get ticks() {
        return ticks;
      },
    };
    return source;
  };
}

/** The "this server" source of the process it runs in. */
export const createServerSource: CreateSource = createServerSourceWith(nodeProbe);
