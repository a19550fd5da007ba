import { countStreamRequests, STREAM_ROUTE } from './fixtures/browser-faults';
import { badge, expect, openLive, test } from './fixtures';

/** Spec 4: what the server says when it refuses a stream. */

test('503 with Retry-After: waits about that long, then recovers', async ({ page, faults }) => {
  await openLive(page);
  const requests = countStreamRequests(page);
  // The next stream request gets a 503 with Retry-After: 2; later ones pass.
  await page.route(
    STREAM_ROUTE,
    (route) =>
      route.fulfill({
        status: 503,
        headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
        body: '{"error":{"code":"too_many_connections","message":"busy"}}',
      }),
    { times: 1 },
  );
  await faults.drop();

  await expect.poll(() => requests.count).toBeGreaterThanOrEqual(1);
  await expect(badge(page)).toHaveAttribute('data-reason', /HTTP 503/);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: 10_000 });
  expect(requests.count).toBeGreaterThanOrEqual(2);
  // The client waited for Retry-After (plus at most 10 % jitter) before asking again.
  const waited = requests.times[1]! - requests.times[0]!;
  expect(waited).toBeGreaterThanOrEqual(1900);
  expect(waited).toBeLessThan(3500);
});

for (const status of [401, 404]) {
  test(`${status}: failed, with the message, and no retry storm`, async ({ page }) => {
    await page.clock.install();
    const requests = countStreamRequests(page);
    await page.route(STREAM_ROUTE, (route) =>
      route.fulfill({
        status,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'denied', message: `refused with ${status}` } }),
      }),
    );
    await page.goto('/');
    await expect(badge(page)).toHaveAttribute('data-state', 'failed');
    await expect(page.getByTestId('connection-error')).toHaveText(`refused with ${status}`);
    // Ten minutes of the page's time pass: a failed connection schedules nothing.
    await page.clock.fastForward('10:00');
    await page.clock.runFor(1000);
    expect(requests.count).toBe(1);
    await expect(page.getByRole('button', { name: 'Reconnect now' })).toBeVisible();
  });
}
