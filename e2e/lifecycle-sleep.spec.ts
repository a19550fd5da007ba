import { badge, expect, test, transitions } from './fixtures';
import { caughtUp, expectContinuousSince } from './tab-helpers';

/**
 * Issue 13 item 2: a laptop wakes from sleep with a stream that still looks open. Sleep is
 * simulated with Playwright's clock: `page.clock.fastForward` jumps the page's time, firing each
 * overdue timer once, late, which is what a sleeping machine does to a page. The link is also
 * made silent (the chaos proxy holds every byte), as a connection dead after sleep would be.
 *
 * The heartbeat is 120 s, so the stall watchdog alone would wait 300 s (2.5 ×): the spec shows
 * that the sleep detector's late timer makes the client reconnect at once, from its cursor.
 */

test.use({ serverEnv: { SSE_HEARTBEAT_MS: '120000' } });
test.setTimeout(120_000);

test('after a sleep the client checks its stream at once, without waiting for the watchdog, and resumes from its cursor', async ({
  page,
  chaos,
  server,
}) => {
  await page.clock.install();
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  const before = await caughtUp(page, server.url);

  chaos.stall(true);
  const sleptAt = await page.evaluate(() => Date.now());
  await page.clock.fastForward(60_000);
  const woke = () =>
    transitions(page).then((log) => log.find((t) => t.at >= sleptAt && /woke from sleep/.test(t.reason)));
  await expect.poll(woke).toMatchObject({ to: 'reconnecting' });
  // On the page's clock: at the wake (60 s of sleep, plus however long this busy machine took
  // between the two calls), far before the watchdog's 300 s after the last byte.
  expect((await woke())!.at - sleptAt).toBeLessThan(120_000);

  chaos.stall(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expectContinuousSince(page, server.url, before);
  // The watchdog never had to judge: no "no bytes for …" stall.
  expect((await transitions(page)).filter((t) => t.to === 'stale')).toEqual([]);
});
