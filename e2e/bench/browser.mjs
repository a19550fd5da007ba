// @ts-check
// Browser under load: headless Chromium on the dashboard with the server at every feed every
// 3 ms (≈ 2,400 events/s): long tasks, frame gaps from requestAnimationFrame, and main-thread
// busy time from CDP `Performance.getMetrics`. First one tab alone, then that tab (the leader)
// beside a second, visible tab of the same browser that follows it (docs/tab-sharing.md).
import { chartsInView, launchDashboardBrowser, openTab, VIEWPORT } from './harness/dashboard-tabs.mjs';
import { startServer } from './harness/servers.mjs';
import { fmt, sleep } from './harness/stats.mjs';

const WINDOW_MS = 10_000;

/** What the page records, on `window.__perf`: long tasks' durations and every frame's time. */
/** @typedef {{ longTasks: number[], frames: number[] }} PagePerf */

/** @typedef {import('./harness/dashboard-tabs.mjs').Page} Page */
/** @typedef {import('./harness/dashboard-tabs.mjs').BrowserContext} BrowserContext */

/**
 * What one page did in the window: store events applied, long tasks, frames, and Chromium's own
 * accounting of its renderer's main thread (seconds of tasks, and of script, style and layout in
 * them; the rest is paint, parsing, garbage collection and the browser's own work).
 * @typedef {{ applied: number, longTasks: number[], frames: number, dropped: number,
 *   share: (name: string) => string, perSecond: (name: string) => string, seconds: number,
 *   taskSeconds: number }} PageFigures
 */

/**
 * Starts measuring one page; the returned function ends the window and reports it. Pages of one
 * site opened as separate tabs get separate renderer processes here (checked: their task times
 * differ), so each page's CDP figures are its own main thread's.
 * @param {BrowserContext} context
 * @param {Page} page
 * @returns {Promise<() => Promise<PageFigures>>}
 */
async function startMeasuring(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  /** @returns {Promise<Record<string, number>>} */
  const metrics = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const applied = async () => Number(await page.getAttribute('[data-testid="dashboard"]', 'data-events-applied'));
  await page.evaluate(() => {
    const perf = /** @type {{ __perf: PagePerf }} */ (/** @type {unknown} */ (window)).__perf;
    perf.longTasks = [];
    perf.frames = [];
  });
  const applied0 = await applied();
  const m0 = await metrics();
  const started = Date.now();
  return async () => {
    const wall = (Date.now() - started) / 1000;
    const m1 = await metrics();
    const applied1 = await applied();
    const perf = await page.evaluate(
      () => /** @type {{ __perf: PagePerf }} */ (/** @type {unknown} */ (window)).__perf,
    );
    /** @param {string} name */
    const delta = (name) => (m1[name] ?? NaN) - (m0[name] ?? NaN);
    const deltas = perf.frames.slice(1).map((t, i) => t - (perf.frames[i] ?? t));
    return {
      applied: (applied1 - applied0) / wall,
      longTasks: perf.longTasks,
      frames: perf.frames.length,
      dropped: deltas.reduce((sum, d) => sum + Math.max(0, Math.round(d / (1000 / 60)) - 1), 0),
      share: (name) => fmt((delta(name) / wall) * 100, 1),
      perSecond: (name) => fmt(delta(name) / wall),
      seconds: wall,
      taskSeconds: delta('TaskDuration'),
    };
  };
}

/** @param {PageFigures} f */
const longTaskText = (f) =>
  `${f.longTasks.length}${f.longTasks.length ? ` (longest ${fmt(Math.max(...f.longTasks))} ms)` : ''}`;

export default async function browser() {
  console.log('\n## Browser under load: ≥ 2,000 events/s for 10 s (Chromium, headless)\n');
  // Every feed every 3 ms: Node timers fire a little late, so this lands just above 2,000 events/s.
  const server = await startServer('route', { env: { METRICS_INTERVAL_MS: '3' } });
  const { browser: b, context } = await launchDashboardBrowser();
  try {
    await context.addInitScript(() => {
      const perf = /** @type {PagePerf} */ ({ longTasks: [], frames: [] });
      Object.assign(window, { __perf: perf });
      new PerformanceObserver((list) => list.getEntries().forEach((e) => perf.longTasks.push(e.duration))).observe({
        type: 'longtask',
        buffered: true,
      });
      /** @param {number} t */
      const frame = (t) => {
        perf.frames.push(t);
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });

    const leader = await openTab(context, server.url, 'leader');
    console.log(`charts wholly in view (${VIEWPORT.width} × ${VIEWPORT.height}): ${await chartsInView(leader)}`);
    await sleep(2000);
    const endAlone = await startMeasuring(context, leader);
    await sleep(WINDOW_MS);
    const alone = await endAlone();
    console.log(`events applied by the store: ${fmt(alone.applied)} /s`);
    console.log(`long tasks (> 50 ms): **${longTaskText(alone)}** (target: none)`);
    console.log(`frames: ${alone.frames} in ${fmt(alone.seconds, 1)} s, ~${alone.dropped} dropped at 60 Hz`);
    console.log(`main-thread busy: **${alone.share('TaskDuration')}%** (target: ≤ 25 %)`);
    console.log(
      `of which script ${alone.share('ScriptDuration')}%, style ${alone.share('RecalcStyleDuration')}% ` +
        `(${alone.perSecond('RecalcStyleCount')}/s), layout ${alone.share('LayoutDuration')}% (${alone.perSecond('LayoutCount')}/s)`,
    );

    // A second visible tab follows the first: both measured over the same window.
    console.log('\nA leader and a visible follower, side by side (target: the follower costs no more):\n');
    const follower = await openTab(context, server.url, 'follower');
    await sleep(2000);
    const ends = await Promise.all([startMeasuring(context, leader), startMeasuring(context, follower)]);
    await sleep(WINDOW_MS);
    const [lead, follow] = await Promise.all(ends.map((end) => end()));
    // Two tabs in one renderer process would report the same main thread twice.
    if (lead && follow && Math.abs(lead.taskSeconds - follow.taskSeconds) <= 0.01 * lead.taskSeconds)
      console.log('(the two tabs report the same task time: they may share a renderer process)');
    console.log(
      '| tab | events/s applied | long tasks | frames (dropped) | main thread busy | script | style (/s) | layout (/s) |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [name, f] of /** @type {const} */ ([
      ['leader', lead],
      ['follower', follow],
    ])) {
      if (!f) continue;
      console.log(
        `| ${name} | ${fmt(f.applied)} | ${longTaskText(f)} | ${f.frames} (~${f.dropped}) | **${f.share('TaskDuration')} %** | ` +
          `${f.share('ScriptDuration')} % | ${f.share('RecalcStyleDuration')} % (${f.perSecond('RecalcStyleCount')}) | ` +
          `${f.share('LayoutDuration')} % (${f.perSecond('LayoutCount')}) |`,
      );
    }
  } finally {
    await b.close();
    await server.stop();
  }
}
