import { badge, expect, openLive, RECOVERY_TIMEOUT_MS, test, transitions } from './fixtures';

/** Spec 9: the connection badge and the recovery toast are announced and reachable by keyboard. */

test('the badge is a polite live region and the first stop of the keyboard', async ({ page }) => {
  await openLive(page);
  await expect(badge(page)).toHaveAttribute('role', 'status');
  await expect(badge(page)).toHaveAttribute('aria-live', 'polite');
  await page.keyboard.press('Tab');
  await expect(badge(page)).toBeFocused();
  await expect(badge(page)).toHaveAccessibleName('Connection: Live');
});

test('"Reconnect now" and the toast can be used with the keyboard alone', async ({ page, chaos }) => {
  await openLive(page);
  chaos.refuse(true);
  chaos.cut();
  await expect(badge(page)).toHaveAttribute('data-state', 'reconnecting');

  await badge(page).focus();
  await page.keyboard.press('Tab');
  const button = page.getByRole('button', { name: 'Reconnect now' });
  await expect(button).toBeFocused();
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await transitions(page)).some((t) => t.reason === 'reconnect requested by the user'))
    .toBe(true);

  chaos.refuse(false);
  await page.keyboard.press('Enter');
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  // The toast shows for 8 s of page time: freeze the page's date (timers keep running) so a
  // slow machine cannot run that window out between the keyboard steps below.
  await page.clock.setFixedTime(await page.evaluate(() => Date.now()));

  // The toast lives in a polite live region, and its dismiss button is reachable.
  const toast = page.getByTestId('recovery-toast');
  await expect(toast).toBeVisible();
  await expect(page.locator('[role="status"][aria-live="polite"]', { has: toast })).toHaveCount(1);
  const dismiss = toast.getByRole('button', { name: 'Dismiss' });
  await dismiss.focus();
  await expect(dismiss).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(toast).toHaveCount(0);
});
