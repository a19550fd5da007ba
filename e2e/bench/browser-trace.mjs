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
 * Self time (µs) per event name on one thread, and its busy time: the sum of the outermost
 * events, so nested tasks are not counted twice. A child is charged to its parent only for the
 * part that lies inside it.
 * @param {TraceEvent[]} events
 * @param {string} thread `pid:tid`
 */
function selfTimes(events, thread) {
  /** @type {Map<string, number>} */
  const self = new Map();
  let busy = 0;
  const spans = events
    .filter((e) => `${e.pid}:${e.tid}` === thread && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  /** @type {TraceEvent[]} */
  const open = [];
  const end = (/** @type {TraceEvent} */ e) => e.ts + (e.dur ?? 0);
  for (const e of spans) {
    while (open.length && end(/** @type {TraceEvent} */ (open.at(-1))) <= e.ts) open.pop();
    const parent = open.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (Math.min(end(e), end(parent)) - e.ts));
    else busy += e.dur ?? 0;
    self.set(e.name, (self.get(e.name) ?? 0) + (e.dur ?? 0));
    open.push(e);
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
    // The trace covers the whole browser: every renderer's main thread is in it (a spare
    // renderer, an extension's). The tab's is the busy one.
    const mains = events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => selfTimes(events, `${e.pid}:${e.tid}`))
      .sort((a, b) => b.busy - a.busy);
    const { self, busy } = mains[0] ?? { self: new Map(), busy: 0 };
    const share = (/** @type {number} */ us) => `${fmt((us / 1000 / TRACE_MS) * 100, 1)} %`;
    console.log(
      `renderer main thread busy: ${share(busy)} of the window (the busiest of ${mains.length} renderer main ` +
        `threads in the trace; tracing adds its own cost)\n`,
    );
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
