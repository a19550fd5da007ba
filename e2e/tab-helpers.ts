import type { BrowserContext, Page } from '@playwright/test';
import { APP_CONFIG } from '../lib/metrics/app-config';
import { badge, expect, serverLastSeqs } from './fixtures';

/**
 * Specs about leader and follower tabs skip when the app runs one stream per tab
 * (`APP_CONFIG.sharing: 'off'`, lib/metrics/app-config.ts): `test.skip(...TAB_SHARING_OFF)`.
 */
export const TAB_SHARING_OFF: [boolean, string] = [
  APP_CONFIG.sharing !== 'tabs',
  "tab sharing is off (APP_CONFIG.sharing: 'off'): every tab runs its own stream, there is no leader to test",
];

/**
 * Helpers for the tab-sharing specs (docs/tab-sharing.md). Tabs are pages of ONE browser
 * context: Web Locks, BroadcastChannel and the connection pool are per context, so
 * pages of two contexts would each lead and never prove anything.
 */

/** Opens `count` tabs on the dashboard (the first one is `first`), one after another. */
export async function openTabs(context: BrowserContext, first: Page, count: number): Promise<Page[]> {
  const pages = [first];
  while (pages.length < count) pages.push(await context.newPage());
  for (const page of pages) await page.goto('/');
  return pages;
}

export const role = (page: Page) => badge(page).getAttribute('data-role');

/** Waits until exactly one open tab leads and every other one follows; returns the leader. */
export async function settledLeader(pages: Page[], timeout = 15_000): Promise<Page> {
  await expect
    .poll(async () => (await Promise.all(pages.map(role))).sort().join(','), { timeout })
    .toBe(['leader', ...pages.slice(1).map(() => 'follower')].sort().join(','));
  const roles = await Promise.all(pages.map(role));
  return pages[roles.indexOf('leader')]!;
}

/** Streams the server holds open now (`/api/health` `connections`). */
export async function serverStreams(serverUrl: string): Promise<number> {
  const health = (await (await fetch(`${serverUrl}/api/health`)).json()) as { connections: number };
  return health.connections;
}

export interface TabLedger {
  applied: number;
  duplicates: number;
  gaps: number;
  resets: number;
  /** Sum of every feed's `data-last-seq`. */
  seqSum: number;
  seqs: Record<string, number>;
}

/**
 * The counters and every feed's last seq, read in ONE page task so they describe the same
 * commit. Between two ledgers of a tab without reset, `applied` grows exactly as `seqSum` does
 * when nothing was applied twice and nothing was skipped.
 */
export function ledger(page: Page): Promise<TabLedger> {
  return page.evaluate(() => {
    const dashboard = document.querySelector('[data-testid="dashboard"]');
    const number = (name: string) => Number(dashboard?.getAttribute(`data-${name}`));
    const seqs = Object.fromEntries(
      [...document.querySelectorAll('[data-feed]')].map((card) => [
        card.getAttribute('data-feed') ?? '',
        Number(card.getAttribute('data-last-seq')),
      ]),
    );
    return {
      applied: number('events-applied'),
      duplicates: number('duplicates-dropped'),
      gaps: number('gaps'),
      resets: number('resets'),
      seqSum: Object.values(seqs).reduce((sum, seq) => sum + seq, 0),
      seqs,
    };
  });
}

/** Waits until every feed of `page` has reached `target` (the server's head at some moment). */
export async function reaches(page: Page, target: Record<string, number>, timeout = 20_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const { seqs } = await ledger(page);
        return Object.keys(target).filter((feed) => !((seqs[feed] ?? 0) >= target[feed]!));
      },
      { timeout },
    )
    .toEqual([]);
}

/** Waits until `page` has applied everything the server published so far; returns its ledger. */
export async function caughtUp(page: Page, serverUrl: string): Promise<TabLedger> {
  await reaches(page, await serverLastSeqs(serverUrl));
  return ledger(page);
}

/**
 * Since `before`: caught up with the server, no new gap, no reset, and every seq advanced applied
 * exactly once (nothing skipped, nothing applied twice). Returns the new ledger.
 */
export async function expectContinuousSince(page: Page, serverUrl: string, before: TabLedger): Promise<TabLedger> {
  const after = await caughtUp(page, serverUrl);
  expect({ gaps: after.gaps, resets: after.resets }).toEqual({ gaps: before.gaps, resets: 0 });
  expect(after.applied - before.applied).toBe(after.seqSum - before.seqSum);
  return after;
}
