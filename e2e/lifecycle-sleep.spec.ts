import { badge, expect, test, transitions } from './fixtures';
import { caughtUp, expectContinuousSince } from './tab-helpers';

/**
 * A laptop wakes from sleep with a stream that still looks open. Sleep is simulated with
 * Playwright's clock: `page.clock.fastForward` jumps the page's time, firing each overdue timer
 * once, late, which is what a sleeping machine does to a page. The link is also made silent (the
 * chaos proxy holds every byte), as a connection dead after sleep would be.
 *
 * The heartbeat is 120 s, so the stall watchdog alone would wait 300 s (2.5 ×): the spec shows
 * that the sleep detector's late timer makes the client reconnect at once, from its cursor. The
 * producer never ticks by itself (the spec publishes), so no tick is in flight when the link is
 * held: one read only after the jump would rightly prove the stream alive.
 */

test.use({ serverEnv: { SSE_HEARTBEAT_MS: '120000', METRICS_INTERVAL_MS: '3600000' } });
test.setTimeout(120_000);

test('after a sleep the client checks its stream at once, without waiting for the watchdog, and resumes from its cursor', async ({
  page,
  chaos,
  server,
  faults,
}) => {
  await page.clock.install();
  await faults.publish(2);
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  // Everything published is applied: nothing is left in flight to arrive after the jump.
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

  // Published while the link is held: the resume from the cursor must bring it.
  await faults.publish(2);
  chaos.stall(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expectContinuousSince(page, server.url, before);
  // The watchdog never had to judge: no "no bytes for …" stall.
  expect((await transitions(page)).filter((t) => t.to === 'stale')).toEqual([]);
});
