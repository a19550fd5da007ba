import type { Page } from '@playwright/test';
import { badge, expect, health, openLive, statesVisited, test, waitForHealth } from './fixtures';
import { ledger, openTabs, settledLeader, TAB_SHARING_OFF } from './tab-helpers';
import { LIMITED_FEEDS, TEST_USERS } from './fixtures/test-config';

/**
 * In the browser: a session expiring under a live stream renews with no
 * gap and never shows `failed`; signing out in one tab ends the stream in every tab; a scoped
 * user sees only their feeds; the sign-in panel signs in with one click.
 */

/** The sign-in panel (page without a session) or the prompt (stream failed for auth). */
const signInShown = (page: Page) => page.getByTestId('sign-in-panel').or(page.getByTestId('sign-in-prompt'));

test.describe('session expiry during a live stream', () => {
  // Short sessions: the stream ends with `event: auth` expired every ~6 s, the page renews.
  test.use({ serverEnv: { AUTH_SESSION_TTL_S: '6' } });

  test('renews without a gap, and the badge never shows failed', async ({ page, server, appErrors }) => {
    await openLive(page);
    const before = await ledger(page);
    const ended = (await health(server.url)).streams.closed.auth;
    // Two expiries: the second proves the renewed session was used and renewed again.
    await waitForHealth(server.url, (h) => h.streams.closed.auth >= ended + 2, {
      what: 'two streams ended at session expiry',
      timeoutMs: 60_000,
    });
    await expect(badge(page)).toHaveAttribute('data-state', 'live');
    const after = await ledger(page);

    const visited = await statesVisited(page);
    expect(visited).not.toContain('failed');
    expect(visited).not.toContain('reconnecting');
    await expect(page.getByTestId('recovery-toast')).toHaveCount(0);
    await expect(signInShown(page)).toHaveCount(0);
    expect({ gaps: after.gaps, duplicates: after.duplicates, resets: after.resets }).toEqual({
      gaps: before.gaps,
      duplicates: before.duplicates,
      resets: 0,
    });
    expect(after.applied - before.applied).toBe(after.seqSum - before.seqSum);
    expect(appErrors).toEqual([]);
  });
});

test.describe('sign-out', () => {
  // Both start from a leader tab and its followers.
  test.skip(...TAB_SHARING_OFF);

  test('signing out in one tab ends the stream in every tab, and all show the sign-in prompt', async ({
    context,
    page,
    server,
  }) => {
    const pages = await openTabs(context, page, 3);
    for (const tab of pages) await expect(badge(tab)).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
    const leader = await settledLeader(pages);
    const follower = pages.find((tab) => tab !== leader)!;
    const revokedBefore = (await health(server.url)).streams.closed.auth;

    await follower.getByTestId('sign-out').click();
    for (const tab of pages) await expect(signInShown(tab)).toBeVisible();
    // The server ended the leader's stream itself (event: auth revoked), and none is open now.
    await waitForHealth(server.url, (h) => h.streams.closed.auth > revokedBefore && h.connections === 0, {
      what: 'the session’s stream ended by the sign-out, none open',
    });
    // Signed out for real: a reload shows the sign-in panel, not the dashboard.
    await follower.reload();
    await expect(follower.getByTestId('sign-in-panel')).toBeVisible();
  });

  test('a sign-out elsewhere (no message between tabs) still ends every tab in the sign-in prompt', async ({
    context,
    page,
    server,
    baseURL,
  }) => {
    const pages = await openTabs(context, page, 2);
    for (const tab of pages) await expect(badge(tab)).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
    await settledLeader(pages);
    // Same cookie, another client (e.g. the user signed out in a way this page did not see).
    const out = await context.request.delete(new URL('/api/auth/session', baseURL).href);
    expect(out.status()).toBe(200);
    for (const tab of pages) {
      await expect(tab.getByTestId('sign-in-prompt')).toBeVisible();
      await expect(badge(tab)).toHaveAttribute('data-state', 'failed');
      await expect(badge(tab)).toHaveAttribute('data-reason', 'auth');
    }
    await waitForHealth(server.url, (h) => h.connections === 0, { what: 'no stream open' });
  });
});

test.describe('a scoped user', () => {
  test.use({ signInAs: 'limited' });

  test('sees only its feeds, on the page and on the stream', async ({ page }) => {
    await page.goto('/');
    await expect(badge(page)).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId('signed-in-as')).toContainText(TEST_USERS.limited.displayName);
    const feeds = await page
      .locator('[data-feed]')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-feed')));
    expect(feeds.sort()).toEqual([...LIMITED_FEEDS].sort());
    // Data flows into those cards, and nothing else arrives (the stream itself is scoped).
    await expect.poll(async () => (await ledger(page)).applied).toBeGreaterThan(0);
    const { seqs } = await ledger(page);
    expect(Object.keys(seqs).sort()).toEqual([...LIMITED_FEEDS].sort());
  });
});

test.describe('the sign-in panel', () => {
  test.use({ signInAs: null });

  test('signs in with one click (a plain form post) and shows the dashboard', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('sign-in-panel')).toBeVisible();
    await page.getByTestId(`sign-in-${TEST_USERS.full.id}`).click();
    await expect(badge(page)).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId('signed-in-as')).toContainText(TEST_USERS.full.displayName);
    await expect(page.locator('[data-feed]')).not.toHaveCount(0);
  });
});

test.describe('AUTH_MODE=off', () => {
  test.use({ serverEnv: { AUTH_MODE: 'off' }, signInAs: null });

  test('the page says it is a public demo and streams without a sign-in', async ({ page }) => {
    await openLive(page);
    await expect(page.getByTestId('public-demo')).toContainText('Public demo');
    await expect(page.getByTestId('sign-out')).toHaveCount(0);
  });
});
