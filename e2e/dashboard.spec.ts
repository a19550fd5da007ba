import { FEEDS } from '../lib/metrics/feeds';
import { badge, counter, dashboard, expect, test, transitions } from './fixtures';
import { chartTestId, FIRST_FEED } from './fixtures/test-config';

/** Smoke: the page goes live with history already drawn, and keeps drawing. */

test('reaches live with history drawn, then live points arrive, with no console errors', async ({
  page,
  server,
  appErrors,
}) => {
  const streams: string[] = [];
  page.on('request', (request) => request.url().includes('/api/stream') && streams.push(request.url()));

  await page.goto('/');
  // First paint carries the snapshot: cards show a value before the stream has said anything.
  await expect(page.locator(`[data-feed="${FIRST_FEED}"]`)).not.toHaveAttribute('data-last-seq', '0');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');

  const chart = page.getByTestId(chartTestId(FIRST_FEED));
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(1);
  const applied = await counter(page, 'events-applied');
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThan(applied);
  // One chart per feed of the catalogue.
  await expect(page.locator('[data-feed] canvas')).toHaveCount(FEEDS.length);

  // One multiplexed stream per tab (not one per feed), resuming from the server-rendered
  // snapshot's cursor. The server holds exactly one stream for the page; a further request is
  // only allowed as the reconnect after a break the client logged (a page starved by a busy
  // machine may trip its watchdog once).
  const health = async () => (await (await fetch(`${server.url}/api/health`)).json()) as { connections: number };
  await expect.poll(async () => (await health()).connections).toBe(1);
  const breaks = (await transitions(page)).filter((t) => t.from === 'live').length;
  expect(streams).toHaveLength(1 + breaks);
  expect(streams[0]).toContain('lastEventId=');
  await expect(dashboard(page)).toHaveAttribute('data-gaps', '0');
  await expect(dashboard(page)).toHaveAttribute('data-resets', '0');
  expect(appErrors).toEqual([]);
});

test("the same stream is consumable by the browser's native EventSource", async ({ page }) => {
  await page.goto('/robots.txt');
  // The page records what it receives; the test waits for that state (no in-page timer).
  await page.evaluate((feed) => {
    const received = { hello: false, ids: [] as string[] };
    (window as unknown as { __received: typeof received }).__received = received;
    const source = new EventSource(`/api/stream?feeds=${feed}`);
    source.addEventListener('hello', () => (received.hello = true));
    source.addEventListener('metric', (event) => {
      received.ids.push(event.lastEventId);
      if (received.ids.length === 3) source.close();
    });
  }, FIRST_FEED);
  const received = () =>
    page.evaluate(() => (window as unknown as { __received: { hello: boolean; ids: string[] } }).__received);
  await expect.poll(async () => (await received()).ids.length).toBe(3);
  expect((await received()).hello).toBe(true);
  expect(new Set((await received()).ids).size).toBe(3);
});
