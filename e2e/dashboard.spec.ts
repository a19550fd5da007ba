import { badge, counter, dashboard, expect, test } from './fixtures';

/** Smoke: the page goes live with history already drawn, and keeps drawing. */

test('reaches live with history drawn, then live points arrive, with no console errors', async ({
  page,
  appErrors,
}) => {
  const streams: string[] = [];
  page.on('request', (request) => request.url().includes('/api/stream') && streams.push(request.url()));

  await page.goto('/');
  // First paint carries the snapshot: cards show a value before the stream has said anything.
  await expect(page.locator('[data-feed="cpu"]')).not.toHaveAttribute('data-last-seq', '0');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');

  const chart = page.getByTestId('chart-cpu');
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(1);
  const applied = await counter(page, 'events-applied');
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThan(applied);
  await expect(page.locator('[data-feed] canvas')).toHaveCount(8);

  // One multiplexed stream per tab, resuming from the server-rendered snapshot's cursor.
  expect(streams).toHaveLength(1);
  expect(streams[0]).toContain('lastEventId=');
  await expect(dashboard(page)).toHaveAttribute('data-gaps', '0');
  await expect(dashboard(page)).toHaveAttribute('data-resets', '0');
  expect(appErrors).toEqual([]);
});

test("the same stream is consumable by the browser's native EventSource", async ({ page }) => {
  await page.goto('/robots.txt');
  const received = await page.evaluate(
    () =>
      new Promise<{ hello: boolean; ids: string[] }>((resolve, reject) => {
        const source = new EventSource('/api/stream?feeds=cpu');
        const result = { hello: false, ids: [] as string[] };
        const timer = setTimeout(() => reject(new Error('no events in 10 s')), 10_000);
        source.addEventListener('hello', () => (result.hello = true));
        source.addEventListener('metric', (event) => {
          result.ids.push((event as MessageEvent).lastEventId);
          if (result.ids.length === 3) {
            clearTimeout(timer);
            source.close();
            resolve(result);
          }
        });
      }),
  );
  expect(received.hello).toBe(true);
  expect(new Set(received.ids).size).toBe(3);
});
