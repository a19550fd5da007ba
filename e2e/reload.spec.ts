import { FEEDS } from '../lib/metrics/feeds';
import { badge, counter, expect, openLive, test } from './fixtures';
import { chartTestId, FIRST_FEED } from './fixtures/test-config';

/** A reload mid-stream. */

test('a reload mid-stream comes back live with history drawn and no console errors', async ({ page, appErrors }) => {
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(4 * FEEDS.length);
  const before = Number(await page.getByTestId(chartTestId(FIRST_FEED)).getAttribute('data-points'));

  await page.reload();
  // History is drawn as soon as the chart exists: it came with the page, not with the stream.
  await expect(page.getByTestId(chartTestId(FIRST_FEED)).locator('canvas')).toHaveCount(1);
  const drawn = Number(await page.getByTestId(chartTestId(FIRST_FEED)).getAttribute('data-points'));
  expect(drawn).toBeGreaterThanOrEqual(before);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThan(0);
  expect(await counter(page, 'gaps')).toBe(0);
  expect(appErrors).toEqual([]);
});
