import type { Page } from '@playwright/test';
import { badge, expect, serverLastSeqs, test, transitions } from './fixtures';
import { caughtUp, expectContinuousSince, reaches } from './tab-helpers';

/**
 * A tab visible again after a long hidden period (≥ 60 s) checks its stream at once: a stream
 * that kept delivering is kept (no needless reconnect); a silent one is replaced from the cursor
 * without waiting for the watchdog.
 *
 * Time: Playwright's clock jumps 70 s while the tab is "hidden". The numbers are chosen so that
 * only the visibility check can act, with room for a busy machine (the page clock also runs in
 * real time between the calls): heartbeat 40 s (70 s of silence is more than a heartbeat), the
 * watchdog at 100 s (not due after 70 s), and the sleep detector's hidden bar at 90 s (a timer
 * ~65 s late in a hidden tab is throttling, not sleep). Headless Chromium never hides a page, so
 * the spec sets `document.visibilityState` and fires `visibilitychange`.
 *
 * Data: the producer never ticks by itself; the spec publishes (the fault route). So nothing is
 * in flight when the link is stalled: a tick the proxy let through just before, read by a page
 * slowed by a busy machine only after the clock jump, would look like a byte received after the
 * hidden period, and the check would rightly keep the stream. Waiting for the page to apply
 * everything published (a state) is what makes "silent since before the jump" true.
 */

test.use({ serverEnv: { SSE_HEARTBEAT_MS: '40000', METRICS_INTERVAL_MS: '3600000' } });
test.setTimeout(120_000);

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (value ? 'hidden' : 'visible'),
    });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

async function hiddenFor70s(page: Page): Promise<number> {
  await setHidden(page, true);
  const hiddenAt = await page.evaluate(() => Date.now());
  await page.clock.fastForward(70_000);
  return hiddenAt;
}

test('visible again after a long hidden period: a stream that kept delivering is kept', async ({
  page,
  server,
  faults,
}) => {
  await page.clock.install();
  await faults.publish(2);
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await caughtUp(page, server.url);
  const hiddenAt = await hiddenFor70s(page);
  // Bytes keep arriving after the jump: the stream is fine.
  await faults.publish(2);
  await caughtUp(page, server.url);

  await setHidden(page, false);
  await faults.publish(1);
  await reaches(page, await serverLastSeqs(server.url));
  expect((await transitions(page)).filter((t) => t.at >= hiddenAt)).toEqual([]);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
});

test('visible again after a long hidden period: a silent stream is replaced at once, from the cursor', async ({
  page,
  chaos,
  server,
  faults,
}) => {
  await page.clock.install();
  await faults.publish(2);
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  // Everything published is applied: nothing is left in flight to arrive after the jump.
  const before = await caughtUp(page, server.url);

  chaos.stall(true);
  const hiddenAt = await hiddenFor70s(page);
  await setHidden(page, false);
  const check = () =>
    transitions(page).then((log) =>
      log.find((t) => t.at >= hiddenAt && /visible again after \d+ s hidden/.test(t.reason)),
    );
  await expect.poll(check).toMatchObject({ from: 'live', to: 'reconnecting' });

  // Published while the link is held: the resume from the cursor must bring it.
  await faults.publish(2);
  chaos.stall(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expectContinuousSince(page, server.url, before);
  expect((await transitions(page)).filter((t) => t.to === 'stale')).toEqual([]);
});

test('a hidden page draws no chart while data keeps merging; shown again, it draws what arrived', async ({
  page,
  server,
  faults,
}) => {
  await faults.publish(2);
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  const charts = page.locator('[data-feed] [data-x-end]');
  await expect(charts.first()).toBeVisible();
  const chartCount = await charts.count();
  await caughtUp(page, server.url);

  await setHidden(page, true);
  // Every draw sets `data-x-end` (docs/dom-contract.md): count the changes from now on.
  await page.evaluate(() => {
    const w = window as unknown as { __draws: number };
    w.__draws = 0;
    new MutationObserver((records) => (w.__draws += records.length)).observe(document.body, {
      subtree: true,
      attributeFilter: ['data-x-end'],
    });
  });
  await faults.publish(3);
  // The data arrives and merges (the cards' last seqs move) ...
  await caughtUp(page, server.url);
  // ... and the page runs on for 120 animation frames (headless Chromium keeps running frames for
  // a page it only says is hidden): at least two of the charts' 1 s clock redraws, had any run.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        let frames = 0;
        const next = () => (++frames >= 120 ? resolve() : requestAnimationFrame(next));
        requestAnimationFrame(next);
      }),
  );
  expect(await page.evaluate(() => (window as unknown as { __draws: number }).__draws)).toBe(0);

  await setHidden(page, false);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __draws: number }).__draws))
    .toBeGreaterThanOrEqual(chartCount);
});
