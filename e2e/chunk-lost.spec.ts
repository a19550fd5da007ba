import { FEEDS } from '../lib/metrics/feeds';
import { badge, expect, RECOVERY_TIMEOUT_MS, test } from './fixtures';
import { chartTestId, FIRST_FEED } from './fixtures/test-config';

/**
 * The chart library is a lazy chunk, fetched after hydration. Here the network
 * is cut at the moment the page asks for it, so the load fails for real (refused connections
 * through the chaos proxy, not an emulated offline). When the link is back, the charts appear.
 */

// Named in script tags and, without the /_next prefix, in the flight data the runtime loads from.
const CHUNK = /static\/chunks\/[^"'\\?]+\.js/g;

test('a chart chunk lost in a drop is loaded again when the link is back, and the charts appear', async ({
  page,
  server,
  chaos,
  appErrors,
}) => {
  // Every chunk the server HTML names is loaded with the page; any other chunk is a lazy one.
  const html = await (await fetch(`${server.url}/`)).text();
  const initial = new Set((html.match(CHUNK) ?? []).map((chunk) => `/_next/${chunk}`));
  expect(initial.size).toBeGreaterThan(0);

  const lazyRequested: string[] = [];
  const lazyFailed: string[] = [];
  await page.route('**/_next/static/chunks/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path.endsWith('.js') && !initial.has(path)) {
      lazyRequested.push(path);
      // The cut comes before the chunk's request leaves the browser: it meets a dead link.
      if (lazyRequested.length === 1) {
        chaos.refuse(true);
        chaos.cut();
      }
    }
    await route.continue();
  });
  page.on('requestfailed', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/_next/static/chunks/') && !initial.has(path)) lazyFailed.push(path);
  });

  await page.goto('/');
  // The first load and the bundler's own quick retry both fail while the link is down.
  await expect.poll(() => lazyFailed.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  await expect(badge(page)).not.toHaveAttribute('data-state', 'live');
  await expect(page.locator('[data-testid^="chart-"] canvas')).toHaveCount(0);
  // Meanwhile the server-rendered sparklines still show the history.
  await expect(page.getByTestId('sparkline')).toHaveCount(FEEDS.length);

  chaos.refuse(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  await expect(page.locator('[data-testid^="chart-"] canvas')).toHaveCount(FEEDS.length, {
    timeout: RECOVERY_TIMEOUT_MS,
  });
  await expect(page.getByTestId('sparkline')).toHaveCount(0);
  expect(await page.getByTestId(chartTestId(FIRST_FEED)).getAttribute('data-points')).not.toBe('0');
  // The failed loads were retried by the page, not given up on: the chunk was requested again.
  expect(lazyRequested.length).toBeGreaterThan(lazyFailed.length);
  expect(appErrors).toEqual([]);
});
