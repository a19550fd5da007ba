// Preloaded into a benchmarked server (`node --expose-gc --import ./e2e/bench/heap-probe.mjs`)
// by `npm run bench`: on SIGUSR2 it collects garbage twice and writes the heap still in use to
// `$BENCH_HEAP_DIR/<pid>.json`, so the bench can report heap-after-GC per stream for the app and
// the reference alike, without any code in the servers themselves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_HEAP_DIR;
if (dir && typeof globalThis.gc === 'function') {
  process.on('SIGUSR2', () => {
    globalThis.gc();
    globalThis.gc();
    const { heapUsed, external, arrayBuffers } = process.memoryUsage();
    writeFileSync(
      join(dir, `${process.pid}.json`),
      JSON.stringify({ heapUsed, external, arrayBuffers, at: Date.now() }),
    );
  });
}
