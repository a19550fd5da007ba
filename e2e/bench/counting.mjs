// @ts-check
// What counting costs (docs/performance.md, "What counting costs"): the route
// handler with the server's own metrics counting every event and byte written, against the same
// server with that counting off (BENCH_UNCOUNTED, bench-only), in turn for BENCH_ROUNDS rounds at
// the fan-out load. Both runs set ENABLE_FAULTS=1, so they differ in that one switch only. The
// headline is the median over rounds of counted / uncounted in the same round.
//
// env: BENCH_STREAMS=1000  BENCH_RATE_HZ=10  BENCH_DURATION_S=8  BENCH_ROUNDS=3
import { FEEDS } from './harness/feeds.mjs';
import { table } from './harness/report.mjs';
import { fmt, median } from './harness/stats.mjs';
import { measureOnce } from './fanout.mjs';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const RATE_HZ = Number(process.env.BENCH_RATE_HZ ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const VARIANTS = {
  counted: { ENABLE_FAULTS: '1' },
  uncounted: { ENABLE_FAULTS: '1', BENCH_UNCOUNTED: '1' },
};

export default async function counting() {
  console.log(
    `\n## Counting: route handler counted vs uncounted, ${STREAMS} streams × ${FEEDS.length} feeds × ${RATE_HZ} Hz, ${DURATION_S} s windows, ${ROUNDS} rounds\n`,
  );
  /** @typedef {Awaited<ReturnType<typeof measureOnce>>} Run */
  /** @type {{ counted: Run[], uncounted: Run[] }} */
  const runs = { counted: [], uncounted: [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    // Alternate which goes first, so a trend in the machine's load does not favour one side.
    /** @type {('counted' | 'uncounted')[]} */
    const order = round % 2 ? ['counted', 'uncounted'] : ['uncounted', 'counted'];
    for (const variant of order) {
      const r = await measureOnce('route', {
        streams: STREAMS,
        rateHz: RATE_HZ,
        seconds: DURATION_S,
        env: VARIANTS[variant],
      });
      runs[variant].push(r);
      console.log(
        `round ${round} ${variant.padEnd(9)} open ${r.opened.started}/${STREAMS}  ${fmt(r.eventsPerSecond)} ev/s  ${fmt(r.eventsPerCpuSecond)} ev/CPU-s  p50 ${r.p50} ms  p99 ${r.p99} ms${r.lostTicks ? `  ${r.lostTicks} ticks lost` : ''}`,
      );
    }
  }
  /** @type {[string, 'eventsPerSecond' | 'eventsPerCpuSecond' | 'p50' | 'p99'][]} */
  const figures = [
    ['delivered events/s', 'eventsPerSecond'],
    ['events per server-CPU-second', 'eventsPerCpuSecond'],
    ['p50 publish→receive (ms)', 'p50'],
    ['p99 publish→receive (ms)', 'p99'],
  ];
  const rows = figures.map(([label, key]) => {
    const ratio = median(
      runs.counted.map(
        (r, i) => (r[key] ?? NaN) / Math.max(runs.uncounted[i]?.[key] ?? NaN, key.startsWith('p') ? 1 : 0.01),
      ),
    );
    return [
      label,
      fmt(median(runs.counted.map((r) => r[key] ?? NaN))),
      fmt(median(runs.uncounted.map((r) => r[key] ?? NaN))),
      `**${fmt(ratio, 3)}×**`,
    ];
  });
  console.log(`\n${table(['median', 'counted', 'uncounted', 'counted / uncounted'], rows)}`);
  console.log('\n(ratio: median over rounds of counted against the uncounted run of the same round)');
}
