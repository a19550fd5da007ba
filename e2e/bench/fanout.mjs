// @ts-check
// Fan-out: the app's two stream paths against the node:http reference and the plain Next peer,
// each started fresh in turn for BENCH_ROUNDS rounds, at one load (BENCH_STREAMS streams ×
// every feed × BENCH_RATE_HZ). Headline ratios are medians over rounds of each server against
// the reference (and the route handler against the peer) of the same round, so a burst of load
// from elsewhere moves both sides of a ratio together.
//
// env: BENCH_STREAMS=1000  BENCH_RATE_HZ=10  BENCH_DURATION_S=8  BENCH_ROUNDS=3
import { FEEDS, streamPath } from './harness/feeds.mjs';
import { Load } from './harness/load.mjs';
import { treeCpuSeconds } from './harness/proc.mjs';
import { table } from './harness/report.mjs';
import { LABEL, startServer } from './harness/servers.mjs';
import { fmt, median, sleep } from './harness/stats.mjs';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const RATE_HZ = Number(process.env.BENCH_RATE_HZ ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** @type {('route' | 'raw' | 'reference' | 'peer')[]} */
const KINDS = ['route', 'raw', 'reference', 'peer'];
const WARMUP_MS = 3000;

/**
 * One server, one window: delivered events, latency and the server's CPU over the window.
 * @param {'route' | 'raw' | 'reference' | 'peer'} kind
 * @param {{ streams: number, rateHz: number, seconds: number, env?: Record<string, string>, nodeFlags?: string[] }} options
 */
export async function measureOnce(kind, { streams, rateHz, seconds, env = {}, nodeFlags = [] }) {
  const server = await startServer(kind, { rateHz, maxStreams: streams, env, nodeFlags });
  const load = new Load();
  try {
    const opened = await load.add(`${server.url}${streamPath(kind)}`, streams);
    // Every stream is open before the window (a busy machine can take seconds to accept them).
    await sleep(WARMUP_MS);
    const pid = server.pid ?? 0;
    const cpu0 = treeCpuSeconds(pid);
    const window = await load.measure(seconds * 1000);
    const cpuSeconds = treeCpuSeconds(pid) - cpu0;
    return { ...window, opened, cpuSeconds, eventsPerCpuSecond: window.events / Math.max(cpuSeconds, 0.01) };
  } finally {
    load.close();
    await server.stop();
  }
}

export default async function fanout() {
  console.log(
    `\n## Fan-out: ${STREAMS} streams × ${FEEDS.length} feeds × ${RATE_HZ} Hz, ${DURATION_S} s windows, ${ROUNDS} rounds (${KINDS.map((k) => LABEL[k]).join(', ')} in turn)\n`,
  );
  /** @typedef {Awaited<ReturnType<typeof measureOnce>>} Run */
  /** @type {Record<string, Run[]>} */
  const runs = Object.fromEntries(KINDS.map((kind) => [kind, []]));
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const kind of KINDS) {
      const r = await measureOnce(kind, { streams: STREAMS, rateHz: RATE_HZ, seconds: DURATION_S });
      runs[kind]?.push(r);
      console.log(
        `round ${round} ${(LABEL[kind] ?? kind).padEnd(19)} open ${r.opened.started}/${STREAMS}  ${fmt(r.eventsPerSecond)} ev/s  ${fmt(r.eventsPerCpuSecond)} ev/CPU-s  p50 ${r.p50} ms  p99 ${r.p99} ms${r.lostTicks ? `  ${r.lostTicks} ticks lost` : ''}`,
      );
    }
  }
  /** @typedef {'eventsPerSecond' | 'eventsPerCpuSecond' | 'p50' | 'p99'} Figure */
  /** @param {Run} run @param {Figure} key */
  const figure = (run, key) => run[key] ?? NaN;
  /** @param {string} kind @param {Figure} key */
  const summary = (kind, key) => median((runs[kind] ?? []).map((r) => figure(r, key)));
  // Per round, a server against another measured in the same round; the median of those.
  /** @param {string} kind @param {string} base @param {Figure} key */
  const ratioTo = (kind, base, key) =>
    median(
      (runs[kind] ?? []).map(
        (r, i) => figure(r, key) / Math.max(figure(runs[base]?.[i] ?? r, key), key.startsWith('p') ? 1 : 0.01),
      ),
    );
  /** @type {[string, Figure, number, string][]} */
  const figures = [
    ['delivered events/s', 'eventsPerSecond', 0, ''],
    ['events per server-CPU-second', 'eventsPerCpuSecond', 0, 'route ≥ 1.2× peer, raw ≥ 0.9× ref'],
    ['p50 publish→receive (ms)', 'p50', 0, ''],
    ['p99 publish→receive (ms)', 'p99', 0, 'route ≤ 1× peer'],
  ];
  const rows = figures.map(([label, key, digits, target]) => [
    label,
    ...KINDS.map((kind) => fmt(summary(kind, key), digits)),
    `**${fmt(ratioTo('route', 'reference', key), 2)}×**`,
    `**${fmt(ratioTo('raw', 'reference', key), 2)}×**`,
    `**${fmt(ratioTo('route', 'peer', key), 2)}×**`,
    target,
  ]);
  console.log(
    `\n${table(['median', ...KINDS.map((k) => LABEL[k]), 'route / ref', 'raw / ref', 'route / peer', 'targets'], rows)}`,
  );
  console.log('\n(ratios: median over rounds of each server against the other one of the same round)');
}
