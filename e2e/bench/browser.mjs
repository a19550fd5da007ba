// @ts-check
// Browser under load: headless Chromium on the dashboard with the server at every feed every
// 3 ms (≈ 2,400 events/s): long tasks, frame gaps from requestAnimationFrame, and main-thread
// busy time from CDP `Performance.getMetrics`.
import { existsSync } from 'node:fs';
import { startServer } from './harness/servers.mjs';
import { fmt, sleep } from './harness/stats.mjs';

export default async function browser() {
  console.log('\n## Browser under load: ≥ 2,000 events/s for 10 s (Chromium, headless)\n');
  const { chromium } = await import('@playwright/test');
  const executablePath =
    process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  // Every feed every 3 ms: Node timers fire a little late, so this lands just above 2,000 events/s.
  const server = await startServer('route', { env: { METRICS_INTERVAL_MS: '3' } });
  const b = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await b.newPage();
    // What the page records, on `window.__perf`: long tasks' durations and every frame's time.
    /** @typedef {{ longTasks: number[], frames: number[] }} PagePerf */
    await page.addInitScript(() => {
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
    await page.goto(server.url);
    await page.waitForSelector('[data-state="live"]');
    await sleep(2000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // Chromium's own accounting: seconds of main-thread tasks, and of script, style and layout in
    // them (the rest is paint, parsing, garbage collection and the browser's own work).
    /** @returns {Promise<Record<string, number>>} */
    const metrics = async () =>
      Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    await page.evaluate(() => {
      const perf = /** @type {{ __perf: PagePerf }} */ (/** @type {unknown} */ (window)).__perf;
      perf.longTasks = [];
      perf.frames = [];
    });
    const applied0 = Number(await page.getAttribute('[data-testid="dashboard"]', 'data-events-applied'));
    const m0 = await metrics();
    const started = Date.now();
    await sleep(10_000);
    const wall = (Date.now() - started) / 1000;
    const m1 = await metrics();
    /** @param {string} name */
    const delta = (name) => (m1[name] ?? NaN) - (m0[name] ?? NaN);
    /** @param {string} name */
    const share = (name) => fmt((delta(name) / wall) * 100, 1);
    /** @param {string} name */
    const perSecond = (name) => fmt(delta(name) / wall);
    const applied1 = Number(await page.getAttribute('[data-testid="dashboard"]', 'data-events-applied'));
    const perf = await page.evaluate(
      () => /** @type {{ __perf: PagePerf }} */ (/** @type {unknown} */ (window)).__perf,
    );
    const deltas = perf.frames.slice(1).map((t, i) => t - (perf.frames[i] ?? t));
    const dropped = deltas.reduce((sum, d) => sum + Math.max(0, Math.round(d / (1000 / 60)) - 1), 0);
    console.log(`events applied by the store: ${fmt((applied1 - applied0) / wall)} /s`);
    console.log(
      `long tasks (> 50 ms): **${perf.longTasks.length}**${perf.longTasks.length ? `, longest ${fmt(Math.max(...perf.longTasks))} ms` : ''} (target: none)`,
    );
    console.log(`frames: ${perf.frames.length} in ${fmt(wall, 1)} s, ~${dropped} dropped at 60 Hz`);
    console.log(`main-thread busy: **${share('TaskDuration')}%** (target: ≤ 25 %)`);
    console.log(
      `of which script ${share('ScriptDuration')}%, style ${share('RecalcStyleDuration')}% ` +
        `(${perSecond('RecalcStyleCount')}/s), layout ${share('LayoutDuration')}% (${perSecond('LayoutCount')}/s)`,
    );
  } finally {
    await b.close();
    await server.stop();
  }
}
