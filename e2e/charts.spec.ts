import type { Page } from '@playwright/test';
import { MIN_GAP_MS } from '../app/_components/chart/spans';
import { FEEDS } from '../lib/metrics/feeds';
import { badge, counter, expect, openLive, RECOVERY_TIMEOUT_MS, test } from './fixtures';
import { chartTestId, feedDefinition, FIRST_FEED } from './fixtures/test-config';

/**
 * The charts' range choice and pause, the stale "as of" during an outage
 * with the time axis still moving, and the value tooltip. Asserted through the DOM contract
 * (docs/dom-contract.md): `data-range`, `data-paused`, `data-x-end`, `data-stale`, span counts.
 */

const controls = (page: Page) => page.getByTestId('chart-controls');
const firstChart = (page: Page) => page.getByTestId(chartTestId(FIRST_FEED));
const xEnd = async (page: Page) => Number(await firstChart(page).getAttribute('data-x-end'));
const FIRST = feedDefinition(FIRST_FEED);

test('a range choice survives new ticks', async ({ page }) => {
  await openLive(page);
  await page.locator('[data-range-choice="60000"]').click();
  await expect(controls(page)).toHaveAttribute('data-range', '60000');
  await expect(firstChart(page)).toHaveAttribute('data-range', '60000');
  // New data arrives and is drawn (the axis end moves on): the choice stays.
  const end = await xEnd(page);
  const applied = await counter(page, 'events-applied');
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThan(applied + FEEDS.length);
  await expect.poll(() => xEnd(page)).toBeGreaterThan(end);
  await expect(page.locator('[data-feed] [data-testid^="chart-"][data-range]')).toHaveCount(FEEDS.length);
  for (const chart of await page.locator('[data-feed] [data-testid^="chart-"][data-range]').all()) {
    await expect(chart).toHaveAttribute('data-range', '60000');
  }
  await expect(page.locator('[data-range-choice="60000"]')).toHaveAttribute('aria-pressed', 'true');
});

test('pause freezes the view while data keeps merging; resume jumps to now', async ({ page }) => {
  await openLive(page);
  await page.getByTestId('chart-pause').click();
  await expect(controls(page)).toHaveAttribute('data-paused', 'true');
  await expect(firstChart(page)).toHaveAttribute('data-paused', 'true');
  const frozenEnd = await xEnd(page);
  const seq = Number(await page.locator(`[data-feed="${FIRST_FEED}"]`).getAttribute('data-last-seq'));

  // Underneath, the store keeps merging: the card's seq moves on while the chart does not.
  await expect
    .poll(async () => Number(await page.locator(`[data-feed="${FIRST_FEED}"]`).getAttribute('data-last-seq')))
    .toBeGreaterThan(seq + 4);
  expect(await xEnd(page)).toBe(frozenEnd);

  await page.getByTestId('chart-pause').click();
  await expect(controls(page)).toHaveAttribute('data-paused', 'false');
  await expect(firstChart(page)).toHaveAttribute('data-paused', 'false');
  await expect.poll(() => xEnd(page)).toBeGreaterThan(frozenEnd);
});

test('during an outage values say "as of" and the axis keeps moving; back to normal on recovery', async ({
  page,
  chaos,
}) => {
  await openLive(page);
  const cards = page.locator('[data-feed]');
  await expect(page.locator('[data-feed][data-stale="false"]')).toHaveCount(FEEDS.length);
  await expect(page.getByTestId('feed-as-of')).toHaveCount(0);

  chaos.refuse(true);
  chaos.cut();
  await expect(badge(page)).not.toHaveAttribute('data-state', 'live');
  await expect(page.locator('[data-feed][data-stale="true"]')).toHaveCount(FEEDS.length);
  await expect(cards.first().getByTestId('feed-as-of')).toHaveText(/^as of \d{1,2}:\d{2}:\d{2}/);
  await expect(firstChart(page)).toHaveAttribute('data-waiting', 'true');
  // No data arrives, yet the x axis is anchored to now: the outage grows on screen.
  const end = await xEnd(page);
  await expect.poll(() => xEnd(page)).toBeGreaterThan(end + 1000);

  chaos.refuse(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  await expect(page.locator('[data-feed][data-stale="false"]')).toHaveCount(FEEDS.length);
  await expect(page.getByTestId('feed-as-of')).toHaveCount(0);
  await expect(firstChart(page)).toHaveAttribute('data-waiting', 'false');
  // The replay filled the outage: it is marked recovered. (Not asserted: `data-lost` is 0. On a
  // busy machine the server's own timer can stall for over 1.5 s, which is a real hole.)
  await expect(firstChart(page)).not.toHaveAttribute('data-recovered', '0');
});

test('hovering a chart shows the value and local time; the arrow keys move the cursor', async ({ page }) => {
  await openLive(page);
  const over = firstChart(page).locator('.u-over');
  const box = (await over.boundingBox())!;
  const tooltip = firstChart(page).getByTestId('chart-tooltip');
  const text = new RegExp(
    `^-?\\d+(\\.\\d+)? ${FIRST.unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · \\d{1,2}:\\d{2}:\\d{2}`,
  );
  // Poll: the newest point must be drawn under the mouse, which a busy machine may take a frame for.
  await expect
    .poll(async () => {
      await over.hover({ position: { x: box.width - 4, y: box.height / 2 } });
      return tooltip.isVisible();
    })
    .toBe(true);
  await expect(tooltip).toHaveText(text);

  await page.mouse.move(0, 0);
  await firstChart(page).focus();
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toHaveText(text);
  await page.keyboard.press('Home');
  await expect(tooltip).toHaveText(text);
});

test('after a server restart the history it lost is marked lost, the line broken across it', async ({
  page,
  server,
}) => {
  await openLive(page);
  const lostBefore = Number(await firstChart(page).getAttribute('data-lost'));
  await server.stop('SIGKILL');
  const killedAt = Date.now();
  await expect(badge(page)).not.toHaveAttribute('data-state', 'live');
  await expect(firstChart(page)).toHaveAttribute('data-waiting', 'true');
  // A silence counts as a hole only past MIN_GAP_MS (app/_components/chart/spans.ts), and `next start` can be
  // back within 0.3 s: stay down until the outage is clearly a hole, or there is nothing to mark.
  await expect.poll(() => Date.now() - killedAt).toBeGreaterThan(2 * MIN_GAP_MS);
  await server.restart();
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  // The new server's history starts after the restart: the hole is lost, not recovered.
  await expect.poll(async () => Number(await firstChart(page).getAttribute('data-lost'))).toBeGreaterThan(lostBefore);
  await expect(firstChart(page)).toHaveAttribute('data-waiting', 'false');
});
