import { FEEDS } from '../lib/metrics/feeds';
import { badge, expect, serverLastSeqs, test } from './fixtures';
import { chartTestId, FIRST_FEED } from './fixtures/test-config';

/**
 * The server-rendered HTML already shows every feed's data (value, trend,
 * last seq, a drawn chart), and hydrating it produces no React hydration warning.
 */

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the server HTML shows every feed with its latest value, trend, seq and a drawn chart', async ({
    page,
    server,
  }) => {
    // The snapshot must have something in it: wait until every feed has published twice.
    await expect
      .poll(async () => Math.min(...Object.values(await serverLastSeqs(server.url))), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);
    await page.goto('/');

    const cards = page.locator('[data-feed]');
    await expect(cards).toHaveCount(FEEDS.length);
    for (const card of await cards.all()) {
      const feed = await card.getAttribute('data-feed');
      expect(Number(await card.getAttribute('data-last-seq')), feed!).toBeGreaterThan(0);
      await expect(card.getByTestId('feed-value')).toHaveText(/^-?\d+(\.\d+)?$/);
      await expect(card.getByTestId('feed-trend')).toHaveText(/^[↑↓→] /);
      // Not live yet: the value is the snapshot's, and says when it was measured (UTC on the server).
      await expect(card).toHaveAttribute('data-stale', 'true');
      await expect(card.getByTestId('feed-as-of')).toHaveText(/^as of \d{2}:\d{2}:\d{2} UTC$/);
      const chart = card.getByTestId(`chart-${feed}`);
      expect(Number(await chart.getAttribute('data-points')), feed!).toBeGreaterThan(0);
      await expect(chart.getByTestId('sparkline').locator('path')).toHaveAttribute('d', /^M[\d.]+ [\d.]+ L/);
    }
    // Without JavaScript there is no stream: the badge says so honestly, and nothing claims "live".
    await expect(badge(page)).toHaveAttribute('data-state', 'connecting');
  });
});

test('hydrating the server HTML produces no hydration warning, and uPlot takes over the sparkline', async ({
  page,
  server,
  appErrors,
}) => {
  const messages: string[] = [];
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  await expect
    .poll(async () => Math.min(...Object.values(await serverLastSeqs(server.url))), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(2);
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId(chartTestId(FIRST_FEED)).locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('sparkline')).toHaveCount(0);
  expect(Number(await page.getByTestId(chartTestId(FIRST_FEED)).getAttribute('data-points'))).toBeGreaterThan(0);
  // React reports a mismatch as a (minified, in production) recoverable error: #418, #423, #425.
  expect(messages.filter((m) => /hydrat|Minified React error #4(18|19|23|25)/i.test(m))).toEqual([]);
  expect(appErrors).toEqual([]);
});
