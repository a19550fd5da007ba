// @ts-check
import { randomBytes } from 'node:crypto';
// Memory as a slope: per server, BENCH_MEMORY_STREAMS streams at 1 Hz, then as many more; the
// difference between the two points divided by the streams added is what one more stream
// costs, without the fixed costs (Next itself, V8's young generation). RSS from /proc, and heap
// in use after two forced GCs from server-probe.mjs preloaded into the server.
//
// env: BENCH_MEMORY_STREAMS=1000
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { streamPath } from './harness/feeds.mjs';
import { Load } from './harness/load.mjs';
import { readProbe, treeRssKb } from './harness/proc.mjs';
import { table } from './harness/report.mjs';
import { LABEL, startServer } from './harness/servers.mjs';
import { fmt, sleep } from './harness/stats.mjs';

const MEMORY_STREAMS = Number(process.env.BENCH_MEMORY_STREAMS ?? 1000);
/** `floor`: the app's do-nothing streaming route handler (app/api/bench/idle-stream). */
/** @type {('route' | 'raw' | 'reference' | 'peer' | 'floor')[]} */
const KINDS = ['route', 'raw', 'reference', 'peer', 'floor'];

/**
 * @typedef {{ streams: number, failed: number, rssKb: number, heapKb: number }} Point
 * @typedef {{ points: Point[], rssPerStreamKb: number, heapPerStreamKb: number }} Slope
 */

/**
 * @param {'route' | 'raw' | 'reference' | 'peer' | 'floor'} kind
 * @returns {Promise<Slope>}
 */
async function memorySlope(kind) {
  const heapDir = mkdtempSync(`${tmpdir()}/bench-heap-`);
  const floor = kind === 'floor';
  // The floor route is locked like the fault route: ENABLE_FAULTS=1 and the token on every request.
  const faults = floor ? { ENABLE_FAULTS: '1', FAULTS_TOKEN: randomBytes(18).toString('base64url') } : {};
  const server = await startServer(floor ? 'route' : kind, {
    rateHz: 1,
    maxStreams: 2 * MEMORY_STREAMS,
    env: { BENCH_PROBE_DIR: heapDir, ...faults },
    nodeFlags: ['--expose-gc', '--import', './e2e/bench/server-probe.mjs'],
  });
  const load = new Load();
  const pid = server.pid ?? 0;
  /** @type {Point[]} */
  const points = [];
  try {
    for (const step of [1, 2]) {
      const opened = await load.add(
        `${server.url}${floor ? '/api/bench/idle-stream' : streamPath(kind)}`,
        MEMORY_STREAMS,
        faults,
      );
      // A few ticks, so every stream has written something.
      await sleep(3000);
      points.push({
        streams: step * MEMORY_STREAMS,
        failed: opened.failed,
        rssKb: treeRssKb(pid),
        heapKb: (await readProbe(pid, heapDir))?.heapKb ?? NaN,
      });
    }
  } finally {
    load.close();
    await server.stop();
    rmSync(heapDir, { recursive: true, force: true });
  }
  const [a, b] = points;
  if (!a || !b) throw new Error(`${kind}: no measurement`);
  const streams = b.streams - a.streams;
  return { points, rssPerStreamKb: (b.rssKb - a.rssKb) / streams, heapPerStreamKb: (b.heapKb - a.heapKb) / streams };
}

export default async function memory() {
  console.log(
    `\n## Memory: marginal cost of a stream, from ${MEMORY_STREAMS} to ${2 * MEMORY_STREAMS} open streams at 1 Hz\n`,
  );
  /** @type {Record<string, Slope>} */
  const results = {};
  for (const kind of KINDS) {
    const slope = await memorySlope(kind);
    results[kind] = slope;
    const [a, b] = /** @type {[Point, Point]} */ (slope.points);
    console.log(
      `${(LABEL[kind] ?? kind).padEnd(19)} RSS ${fmt(a.rssKb / 1024, 1)} → ${fmt(b.rssKb / 1024, 1)} MB, heap after GC ${fmt(a.heapKb / 1024, 1)} → ${fmt(b.heapKb / 1024, 1)} MB${b.failed ? `  (${b.failed} streams refused)` : ''}`,
    );
  }
  /**
   * @param {string} label
   * @param {'rssPerStreamKb' | 'heapPerStreamKb'} key
   * @param {string} target
   */
  const row = (label, key, target) => [
    label,
    ...KINDS.map((kind) =>
      kind === 'route' || kind === 'raw' ? `**${fmt(results[kind]?.[key], 1)}**` : fmt(results[kind]?.[key], 1),
    ),
    target,
  ];
  console.log(
    `\n${table(
      ['per extra open stream', ...KINDS.map((k) => LABEL[k]), 'targets'],
      [
        row('RSS (KB)', 'rssPerStreamKb', 'route ≤ 60 KB, raw ≤ 40 KB'),
        row('heap after GC (KB)', 'heapPerStreamKb', ''),
      ],
    )}`,
  );
}
