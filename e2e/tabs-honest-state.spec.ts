import { countStreamRequests, STREAM_ROUTE } from './fixtures/browser-faults';
import { badge, expect, openLive, RECOVERY_TIMEOUT_MS, signIn, test } from './fixtures';
import { openTabs, serverStreams, settledLeader, TAB_SHARING_OFF } from './tab-helpers';

/**
 * Tabs tell the truth when sharing cannot: a tab that cannot join the sharing runs its own
 * stream and says so; a `connecting` that makes no progress says why and offers "Reconnect
 * now"; a stream that failed for auth in the leader tab comes back when the user signs in again
 * in another tab.
 */

test.skip(...TAB_SHARING_OFF);

test('a tab without BroadcastChannel runs its own stream and says why in the inspector', async ({
  context,
  page,
  server,
}) => {
  await openLive(page);
  await expect(badge(page)).toHaveAttribute('data-role', 'leader');

  const lonely = await context.newPage();
  // An old browser, or storage partitioning that refuses the channel.
  await lonely.addInitScript(() => Reflect.deleteProperty(globalThis, 'BroadcastChannel'));
  await openLive(lonely);
  await expect(badge(lonely)).toHaveAttribute('data-role', 'solo');
  await expect(badge(lonely)).toHaveAttribute('data-sharing', 'none');
  await expect(lonely.getByTestId('inspector-role-reason')).toHaveText(/BroadcastChannel is unavailable/);
  // Its own stream, beside the one the other tab leads.
  await expect.poll(() => serverStreams(server.url)).toBe(2);
  await expect(badge(page)).toHaveAttribute('data-role', 'leader');
});

test('a connecting that makes no progress says why and offers "Reconnect now"', async ({ page }) => {
  // The stream request is never answered (like a request the browser holds back).
  const hang = () => undefined;
  await page.route(STREAM_ROUTE, hang);
  const requests = countStreamRequests(page);
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'connecting');
  await expect(page.getByTestId('connecting-stuck')).toHaveText(/^Still connecting after \d+ s: /, {
    timeout: 20_000,
  });
  expect(requests.count).toBe(1);
  // The button makes a new attempt (still held back here)…
  await page.getByRole('button', { name: 'Reconnect now' }).click();
  await expect.poll(() => requests.count).toBe(2);
  // …and once requests go through again, the stream is live and the explanation gone.
  await page.unroute(STREAM_ROUTE, hang);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(page.getByTestId('connecting-stuck')).toHaveCount(0);
});

test('signing in again in a follower tab revives the stream that failed in the leader tab', async ({
  context,
  page,
  baseURL,
}) => {
  const pages = await openTabs(context, page, 2);
  for (const tab of pages) await expect(badge(tab)).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  const leader = await settledLeader(pages);
  const follower = pages.find((tab) => tab !== leader)!;
  // Signed out elsewhere: the leader's renewal is refused, and every tab says the session ended.
  expect((await context.request.delete(new URL('/api/auth/session', baseURL).href)).status()).toBe(200);
  for (const tab of pages) await expect(tab.getByTestId('sign-in-prompt')).toBeVisible();

  // The user signs in again from the follower: the sign-in lands on a freshly loaded page.
  await signIn(baseURL!, 'full', context.request);
  await follower.reload();
  for (const tab of pages) {
    await expect(badge(tab)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
    await expect(tab.getByTestId('sign-in-prompt')).toHaveCount(0);
  }
  expect(await badge(leader).getAttribute('data-role')).toBe('leader');
});
