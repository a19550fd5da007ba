import { mkdirSync } from 'node:fs';
import { FEEDS } from '../../lib/metrics/feeds';
import { badge, counter, expect, openLive, signIn, test } from '../fixtures';

/**
 * The README's screenshots: desktop (1440×900) and phone (390×844), light and dark, each live,
 * during an outage and just after recovery, as docs/screenshots/<device>-<scheme>-<moment>.png.
 * Re-runnable after any UI change:
 *
 *   npx next build && npx playwright test -c playwright.screenshots.config.ts
 *
 * One server for all of them (the kit's fast ticks, 250 ms); the outage is a real one through
 * the chaos proxy (cut, then refused reconnects), like the drop suite's.
 */

const OUT = 'docs/screenshots';
const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  mobile: { width: 390, height: 844 },
} as const;

test('capture', async ({ browser, chaos }) => {
  mkdirSync(OUT, { recursive: true });

  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport, colorScheme, baseURL: chaos.url });
      // The page needs a session (auth is on): signed in as the user who reads every feed.
      await signIn(chaos.url, 'full', context.request);
      const page = await context.newPage();
      await openLive(page);
      // The 1-minute range: a fresh server has well under 5 minutes of history to show.
      await page.locator('[data-range-choice="60000"]').click();
      await expect(page.locator('[data-range-choice="60000"]')).toHaveAttribute('aria-pressed', 'true');
      // Enough history for a line worth looking at (the snapshot brings it to later pages).
      await expect
        .poll(() => counter(page, 'events-applied'), { timeout: 120_000 })
        .toBeGreaterThanOrEqual(FEEDS.length * 60);
      const shot = (moment: string) => page.screenshot({ path: `${OUT}/${device}-${colorScheme}-${moment}.png` });
      await shot('live');

      chaos.refuse(true);
      chaos.cut();
      await expect(page.getByTestId('retry-countdown')).toBeVisible();
      // A few seconds of outage, so it shows on the charts.
      await expect.poll(() => chaos.refusingForMs >= 4000, { timeout: 60_000 }).toBe(true);
      await expect(page.getByTestId('retry-countdown')).toBeVisible();
      await shot('outage');

      chaos.refuse(false);
      await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
      await expect(page.getByTestId('recovery-toast')).toBeVisible();
      await shot('recovered');
      await context.close();
    }
  }
});
