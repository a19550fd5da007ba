import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { badge, expect, openLive, RECOVERY_TIMEOUT_MS, test, transitions } from './fixtures';

/**
 * The dashboard is usable without a mouse and without sight of the screen.
 * - axe finds no serious or critical violation, in light and dark, on desktop and phone, live
 *   and during an outage;
 * - only interactive elements are tab stops (the badge is announced, not focused);
 * - every chart has a data table reachable by keyboard;
 * - the header does not move when an outage starts (countdown, button and reason have reserved room).
 */

const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  mobile: { width: 390, height: 844 },
} as const;

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe: no serious or critical violation, ${device} ${colorScheme}, live and during an outage`, async ({
      page,
      chaos,
    }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await openLive(page);
      expect(await seriousViolations(page)).toEqual([]);

      chaos.refuse(true);
      chaos.cut();
      await expect(page.getByTestId('retry-countdown')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
}

// The scan can fail: the same check reports a low-contrast line added to the page.
test('axe: the scan reports a contrast failure when there is one', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openLive(page);
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.textContent = 'canary: too faint to read';
    p.style.cssText = 'color: #d4d4d8; background: #ffffff';
    document.querySelector('main')?.append(p);
  });
  expect((await seriousViolations(page)).join('\n')).toContain('color-contrast');
});

test('the badge is a polite live region with a name and a visible reason, and not a tab stop', async ({ page }) => {
  await openLive(page);
  await expect(badge(page)).toHaveAttribute('role', 'status');
  await expect(badge(page)).toHaveAttribute('aria-live', 'polite');
  await expect(badge(page)).toHaveAccessibleName('Connection: Live');
  await expect(badge(page)).not.toHaveAttribute('tabindex', /.*/);
  // The reason is on screen, in words, and describes the badge for assistive technology.
  await expect(page.getByTestId('connection-reason')).toBeVisible();
  await expect(page.getByTestId('connection-reason')).toHaveText('Receiving live data');
  await expect(badge(page)).toHaveAccessibleDescription('Receiving live data');

  // Walk the whole tab order: every stop is something that does something.
  const stops: string[] = [];
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      // A chart is a stop only because its arrow keys move the cursor: it says so in aria-keyshortcuts.
      const keys = el.getAttribute('aria-keyshortcuts') ? '[keyshortcuts]' : '';
      return `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''}${keys}`;
    });
    if (stop === null) break;
    stops.push(stop);
  }
  expect(stops.length).toBeGreaterThan(0);
  for (const stop of stops)
    expect(stop).toMatch(
      /^(a|button|summary|input|select|textarea)\b|\[role=(button|link|slider|application)\]|\[role=group\]\[keyshortcuts\]$/,
    );
});

test('each chart has a data table that opens from the keyboard', async ({ page }) => {
  await openLive(page);
  const table = page.locator('[data-testid^="chart-table-"]').first();
  const summary = table.locator('summary');
  await summary.focus();
  await expect(summary).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(table.getByRole('table')).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Time' })).toBeVisible();
  await expect(table.getByRole('row')).not.toHaveCount(1); // a header row and readings
  await expect(page.locator('[data-testid^="chart-table-"]')).toHaveCount(await page.locator('[data-feed]').count());
});

test('landmarks cover the page: a header and a main', async ({ page }) => {
  await openLive(page);
  await expect(page.getByRole('banner')).toHaveCount(1);
  await expect(page.getByRole('main')).toHaveCount(1);
  const outside = await page.evaluate(() => {
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null || el.getClientRects().length > 0;
    return [...document.body.querySelectorAll('h1, h2, p, section, details, button, [role="status"]')]
      .filter((el) => visible(el) && !el.closest('header, main, [role="banner"], [role="main"]'))
      .map((el) => el.outerHTML.slice(0, 80));
  });
  expect(outside).toEqual([]);
});

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  test(`the header does not shift when an outage starts (${device})`, async ({ page, chaos }) => {
    await page.setViewportSize(viewport);
    await openLive(page);
    const boxes = async () => ({
      title: await page.getByRole('heading', { level: 1 }).boundingBox(),
      badge: await badge(page)
        .boundingBox()
        .then((b) => b && { x: b.x, y: b.y }),
      panel: await page.getByTestId('connection-panel').boundingBox(),
      header: await page.getByRole('banner').boundingBox(),
      main: await page
        .getByRole('main')
        .boundingBox()
        .then((b) => b && { x: b.x, y: b.y }),
    });
    const before = await boxes();

    chaos.refuse(true);
    chaos.cut();
    await expect(page.getByTestId('retry-countdown')).toHaveText(/retrying in \d+ s/);
    await expect(page.getByRole('button', { name: 'Reconnect now' })).toBeVisible();
    expect(await boxes()).toEqual(before);
  });
}

test('"Reconnect now" and the toast can be used with the keyboard alone', async ({ page, chaos }) => {
  await openLive(page);
  chaos.refuse(true);
  chaos.cut();
  await expect(badge(page)).toHaveAttribute('data-state', 'reconnecting');

  // "Reconnect now" is the first tab stop of the page during an outage.
  await page.keyboard.press('Tab');
  const button = page.getByRole('button', { name: 'Reconnect now' });
  await expect(button).toBeFocused();
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await transitions(page)).some((t) => t.reason === 'reconnect requested by the user'))
    .toBe(true);

  chaos.refuse(false);
  await page.keyboard.press('Enter');
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  // The toast shows for 8 s of page time: freeze the page's date (timers keep running) so a
  // slow machine cannot run that window out between the keyboard steps below.
  await page.clock.setFixedTime(await page.evaluate(() => Date.now()));

  // The toast lives in a polite live region, and its dismiss button is reachable.
  const toast = page.getByTestId('recovery-toast');
  await expect(toast).toBeVisible();
  await expect(page.locator('[role="status"][aria-live="polite"]', { has: toast })).toHaveCount(1);
  const dismiss = toast.getByRole('button', { name: 'Dismiss' });
  await dismiss.focus();
  await expect(dismiss).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(toast).toHaveCount(0);
});
