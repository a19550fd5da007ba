import { recordStreamFetches, STREAM_ROUTE } from './fixtures/browser-faults';
import { badge, expect, LOADED_TIMER_SLACK_MS, openLive, RECOVERY_TIMEOUT_MS, test } from './fixtures';

/** What the server says when it refuses a stream. */

const RETRY_AFTER_S = 2;

test('503 with Retry-After: waits about that long, then recovers', async ({ page, faults }) => {
  // Timed in the page: from the 503's arrival to the next attempt, on the client's own clock.
  const streamFetches = await recordStreamFetches(page);
  await openLive(page);
  // The next stream request gets a 503 with Retry-After: 2; later ones pass.
  await page.route(
    STREAM_ROUTE,
    (route) =>
      route.fulfill({
        status: 503,
        headers: { 'Retry-After': String(RETRY_AFTER_S), 'Content-Type': 'application/json' },
        body: '{"error":{"code":"too_many_connections","message":"busy"}}',
      }),
    { times: 1 },
  );
  await faults.drop();

  await expect(badge(page)).toHaveAttribute('data-reason', /HTTP 503/);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  const fetches = await streamFetches();
  const refused = fetches.findIndex((f) => f.status === 503);
  expect(refused).toBeGreaterThanOrEqual(0);
  const next = fetches[refused + 1];
  expect(next).toBeDefined();
  // The client waited for Retry-After (plus at most 10 % jitter) before asking again: never
  // sooner, and later only by what a busy machine adds to a timer.
  const waited = next!.startedAt - fetches[refused]!.respondedAt!;
  expect(waited).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 100);
  expect(waited).toBeLessThanOrEqual(RETRY_AFTER_S * 1000 * 1.1 + LOADED_TIMER_SLACK_MS);
});

for (const status of [401, 404]) {
  test(`${status}: failed, with the message, and no retry storm`, async ({ page }) => {
    await page.clock.install();
    // Counted in the page, so a request the fast-forward triggered cannot arrive after the check.
    const streamFetches = await recordStreamFetches(page);
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
    // A 401 renews the session once (POST /api/auth/refresh) and tries once more; a 404 does not.
    expect(await streamFetches()).toHaveLength(status === 401 ? 2 : 1);
    await expect(page.getByRole('button', { name: 'Reconnect now' })).toBeVisible();
  });
}
