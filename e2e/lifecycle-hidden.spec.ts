import type { Page } from '@playwright/test';
import { badge, expect, serverLastSeqs, test, transitions } from './fixtures';
import { caughtUp, expectContinuousSince, ledger, reaches } from './tab-helpers';

/**
 * Issue 13 item 2: a tab visible again after a long hidden period (≥ 60 s) checks its stream at
 * once: a stream that kept delivering is kept (no needless reconnect); a silent one is replaced
 * from the cursor without waiting for the watchdog.
 *
 * Time: Playwright's clock jumps 70 s while the tab is "hidden". The numbers are chosen so that
 * only the visibility check can act, with room for a busy machine (the page clock also runs in
 * real time between the calls): heartbeat 40 s (70 s of silence is more than a heartbeat), the
 * watchdog at 100 s (not due after 70 s), and the sleep detector's hidden bar at 90 s (a timer
 * ~65 s late in a hidden tab is throttling, not sleep). Headless Chromium never
 * hides a page, so the spec sets `document.visibilityState` and fires `visibilitychange`.
 */

test.use({ serverEnv: { SSE_HEARTBEAT_MS: '40000' } });
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

test('visible again after a long hidden period: a stream that kept delivering is kept', async ({ page, server }) => {
  await page.clock.install();
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  const hiddenAt = await hiddenFor70s(page);
  // Bytes keep arriving after the jump: the stream is fine.
  const applied = (await ledger(page)).applied;
  await expect.poll(async () => (await ledger(page)).applied).toBeGreaterThan(applied + 4);

  await setHidden(page, false);
  await reaches(page, await serverLastSeqs(server.url));
  expect((await transitions(page)).filter((t) => t.at >= hiddenAt)).toEqual([]);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
});

test('visible again after a long hidden period: a silent stream is replaced at once, from the cursor', async ({
  page,
  chaos,
  server,
}) => {
  await page.clock.install();
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  const before = await caughtUp(page, server.url);

  chaos.stall(true);
  const hiddenAt = await hiddenFor70s(page);
  await setHidden(page, false);
  const check = () =>
    transitions(page).then((log) =>
      log.find((t) => t.at >= hiddenAt && /visible again after \d+ s hidden/.test(t.reason)),
    );
  await expect.poll(check).toMatchObject({ from: 'live', to: 'reconnecting' });

  chaos.stall(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expectContinuousSince(page, server.url, before);
  expect((await transitions(page)).filter((t) => t.to === 'stale')).toEqual([]);
});
