// @ts-check
// Preloaded into a benchmarked server (`node --import ./e2e/bench/server-probe.mjs`, with
// BENCH_PROBE_DIR set) by `npm run bench`, so the bench can read what /proc cannot say, for the
// app and the references alike, without any code in the servers themselves. On SIGUSR2 it
// writes `$BENCH_PROBE_DIR/<pid>.json` with, since the previous signal:
//   eventLoop.utilization  share of the time the event loop was busy (1 = saturated)
//   eventLoop.delayP99Ms   p99 of the event loop's delay in running due callbacks
// and, when the process runs with --expose-gc, the heap still in use after two forced GCs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

const dir = process.env.BENCH_PROBE_DIR;
if (dir) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let since = performance.eventLoopUtilization();
  process.on('SIGUSR2', () => {
    const now = performance.eventLoopUtilization();
    const eventLoop = {
      utilization: performance.eventLoopUtilization(now, since).utilization,
      delayP99Ms: delay.percentile(99) / 1e6,
      delayMaxMs: delay.max / 1e6,
    };
    since = now;
    delay.reset();
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
      globalThis.gc();
    }
    // V8's own figures need no file descriptor (process.memoryUsage() reads /proc): the probe
    // must not be what fails, or crashes a reference server, when the server runs out of them.
    const heapUsed = getHeapStatistics().used_heap_size;
    try {
      writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ heapUsed, eventLoop, at: Date.now() }));
    } catch {
      // Out of file descriptors: no report this time; the bench reads none and says so.
    }
  });
}
