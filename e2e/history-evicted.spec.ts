import { FEEDS } from '../lib/metrics/feeds';
import { badge, counter, expect, openLive, RECOVERY_TIMEOUT_MS, test } from './fixtures';

/** The outage outlasts the server's replay window. */

test('history evicted during a long outage: a reset, and "N s could not be recovered"', async ({
  page,
  chaos,
  faults,
  appErrors,
}) => {
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(FEEDS.length);

  chaos.refuse(true);
  chaos.cut();
  await expect(badge(page)).toHaveAttribute('data-state', 'reconnecting');
  // A 4 s outage with refused reconnects, at the end of which the server forgets what was missed.
  // The outage ends on the proxy's conditions (long enough, and retried), whenever a busy
  // machine gets there.
  await expect
    .poll(() => chaos.refusingForMs >= 4000 && chaos.refused >= 2, { timeout: RECOVERY_TIMEOUT_MS })
    .toBe(true);
  await faults.evict();
  chaos.refuse(false);

  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'resynced');
  const message = await page.getByTestId('recovery-message').innerText();
  const lost = Number(/^Reconnected — (\d+(?:\.\d)?) s of data could not be recovered$/.exec(message)?.[1]);
  expect(lost).toBeGreaterThanOrEqual(3);
  expect(await counter(page, 'resets')).toBe(1);
  expect(await counter(page, 'gaps')).toBe(0);
  expect(appErrors).toEqual([]);
});
