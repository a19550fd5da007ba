import { countStreamRequests } from './fixtures/browser-faults';
import { badge, expect, openLive, test } from './fixtures';

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
  const requests = countStreamRequests(page);

  chaos.refuse(false);
  await badge(page).focus();
  await page.keyboard.press('Tab');
  const button = page.getByRole('button', { name: 'Reconnect now' });
  await expect(button).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => requests.count).toBeGreaterThanOrEqual(1);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');

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
