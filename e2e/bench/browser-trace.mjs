// @ts-check
// Where one dashboard tab's main-thread time goes at ≈ 2,400 events/s: a 5 s Chromium trace
// (the DevTools timeline categories), self time per trace event on the renderer's main thread,
// largest first. Complements `browser` (which gives the totals from CDP): this says which work.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launchDashboardBrowser, openTab } from './harness/dashboard-tabs.mjs';
import { startServer } from './harness/servers.mjs';
import { fmt, sleep } from './harness/stats.mjs';

const TRACE_MS = 5_000;
const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'cc'];

/** @typedef {{ name: string, ph: string, pid: number, tid: number, ts: number, dur?: number, args?: { name?: string } }} TraceEvent */

/**
 * Self time (µs) per event name on the given threads, and the busy time: the sum of the
 * outermost events, so nested tasks are not counted twice.
 * @param {TraceEvent[]} events
 * @param {Set<string>} threads `pid:tid` keys
 */
function selfTimes(events, threads) {
  /** @type {Map<string, number>} */
  const self = new Map();
  let busy = 0;
  for (const thread of threads) {
    const spans = events
      .filter((e) => `${e.pid}:${e.tid}` === thread && e.ph === 'X' && e.dur !== undefined)
      .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    /** @type {TraceEvent[]} */
    const open = [];
    for (const e of spans) {
      while (open.length && (open.at(-1)?.ts ?? 0) + (open.at(-1)?.dur ?? 0) <= e.ts) open.pop();
      const parent = open.at(-1);
      if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (e.dur ?? 0));
      else busy += e.dur ?? 0;
      self.set(e.name, (self.get(e.name) ?? 0) + (e.dur ?? 0));
      open.push(e);
    }
  }
  return { self, busy };
}

export default async function browserTrace() {
  console.log(`\n## Where a tab's main thread goes: a ${TRACE_MS / 1000} s trace at ≈ 2,400 events/s\n`);
  const server = await startServer('route', { env: { METRICS_INTERVAL_MS: '3' } });
  const { browser, context } = await launchDashboardBrowser();
  const file = join(tmpdir(), `bench-trace-${process.pid}.json`);
  try {
    const page = await openTab(context, server.url, 'leader');
    await sleep(3000);
    await browser.startTracing(page, { path: file, categories: CATEGORIES });
    await sleep(TRACE_MS);
    await browser.stopTracing();
    const parsed = /** @type {{ traceEvents: TraceEvent[] } | TraceEvent[]} */ (JSON.parse(readFileSync(file, 'utf8')));
    const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
    const main = new Set(
      events
        .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
        .map((e) => `${e.pid}:${e.tid}`),
    );
    const { self, busy } = selfTimes(events, main);
    const share = (/** @type {number} */ us) => `${fmt((us / 1000 / TRACE_MS) * 100, 1)} %`;
    console.log(`renderer main thread busy: ${share(busy)} of the window (tracing adds its own cost)\n`);
    console.log('| trace event (self time) | ms in 5 s | share of the window |');
    console.log('|---|---|---|');
    for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
      console.log(`| \`${name}\` | ${fmt(us / 1000)} | ${share(us)} |`);
    }
  } finally {
    rmSync(file, { force: true });
    await browser.close();
    await server.stop();
  }
}
