import { FEEDS } from '../lib/metrics/feeds';
import { goOffline } from './fixtures/browser-faults';
import { badge, counter, expect, openLive, RECOVERY_TIMEOUT_MS, test } from './fixtures';

/** The browser goes offline. Emulation alone does not cut the stream, so we cut too. */

test('offline plus a cut: the offline badge, then back online, then live with no gap', async ({
  page,
  context,
  chaos,
  appErrors,
}) => {
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(FEEDS.length);
  const gapsBefore = await counter(page, 'gaps');

  const goOnline = await goOffline(context);
  // "Offline" is a hint: the open stream keeps working, and the badge keeps saying so.
  const applied = await counter(page, 'events-applied');
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThan(applied);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');

  chaos.cut();
  await expect(badge(page)).toHaveAttribute('data-state', 'offline');
  // Only here, where the browser itself says so, does the page call the device offline.
  await expect(page.getByTestId('connection-reason')).toHaveText('This device is offline');
  await expect(page.getByTestId('retry-countdown')).toHaveCount(0);

  await goOnline();
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'recovered');
  expect(await counter(page, 'gaps')).toBe(gapsBefore);
  expect(await counter(page, 'resets')).toBe(0);
  expect(appErrors).toEqual([]);
});
