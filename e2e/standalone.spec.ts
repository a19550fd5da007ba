import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { APP_CONFIG } from '../lib/metrics/app-config';
import { FEEDS } from '../lib/metrics/feeds';
import { TEST_AUTH_SECRET } from './fixtures/auth';
import { canRun } from './fixtures/binaries';
import { startNginx } from './fixtures/nginx';
import {
  copyStandalone,
  startStandalone,
  type StandaloneCopy,
  type StandaloneEntry,
} from './fixtures/standalone-server';
import { badge, counter, expect, signIn, watchAppErrors } from './fixtures';

/**
 * Self-hosting as docs/deploy.md says: `npm run build`, then only the .next/standalone folder
 * (copied out of the repository) started with `node .next/standalone/start.mjs` (or its
 * raw-server.mjs) and the documented env. The page must load its scripts from that folder and
 * go live on its stream; the one-instance nginx edge (deploy/nginx-single.conf) in front of it
 * must serve the same over HTTP/2.
 */

/** The documented env of a production start: a secret of one's own (nothing else is required). */
const DOCUMENTED_ENV = { AUTH_SECRET: TEST_AUTH_SECRET };

const test = base.extend<{ copy: StandaloneCopy; appErrors: string[] }, object>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none.
  copy: async ({}, use) => {
    const copy = copyStandalone();
    await use(copy);
    copy.remove();
  },
  appErrors: async ({ page }, use) => {
    const errors: string[] = [];
    watchAppErrors(page, errors);
    await use(errors);
  },
});

/** Every script the page asked for under /_next/static, with its status. */
function watchScripts(page: Page): Map<string, number> {
  const scripts = new Map<string, number>();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/_next/static/') && path.endsWith('.js')) scripts.set(path, response.status());
  });
  return scripts;
}

/** Signs in at `url`, opens the dashboard there and checks it runs: scripts served, live, updating. */
async function expectDashboardStreams(context: BrowserContext, page: Page, url: string): Promise<void> {
  await signIn(url, 'full', context.request);
  const scripts = watchScripts(page);
  await page.goto(url);
  // Live needs the page's JavaScript: the server-rendered badge says `connecting` until it runs.
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  // The chart code is a chunk of its own, loaded after hydration: every card draws one.
  await expect(page.locator('[data-feed] canvas')).toHaveCount(FEEDS.length);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(2 * FEEDS.length);
  // The page's words are the app config's (lib/metrics/app-config.ts), whatever a fork put there.
  await expect(page).toHaveTitle(APP_CONFIG.title);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(APP_CONFIG.heading);
  await expect(page.getByText(APP_CONFIG.tagline)).toBeVisible();
  expect(scripts.size).toBeGreaterThan(0);
  expect([...scripts].filter(([, status]) => status !== 200)).toEqual([]);
}

const ENTRIES: readonly StandaloneEntry[] = ['start.mjs', 'raw-server.mjs'];

for (const entry of ENTRIES) {
  test(`node .next/standalone/${entry} serves the page, its assets and the stream`, async ({
    context,
    page,
    copy,
    appErrors,
  }) => {
    const server = await startStandalone(copy, entry, DOCUMENTED_ENV);
    try {
      await expectDashboardStreams(context, page, server.url);
      expect(appErrors).toEqual([]);
    } finally {
      await server.stop();
    }
  });
}

test.describe('behind deploy/nginx-single.conf', () => {
  test.skip(!canRun('nginx', 'nginx-single e2e') || !canRun('openssl', 'nginx-single e2e'), 'needs nginx and openssl');
  // The certificate is self-signed (made by the nginx fixture): this context accepts it.
  test.use({ ignoreHTTPSErrors: true });

  test('one instance over HTTP/2: live, with its assets', async ({ context, page, copy, appErrors }) => {
    // As the conf's header says: the instance believes nginx's X-Forwarded-* headers.
    const server = await startStandalone(copy, 'start.mjs', { ...DOCUMENTED_ENV, TRUSTED_PROXIES: '127.0.0.1' });
    const nginx = await startNginx([server.port], 'nginx-single.conf').catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    try {
      await expectDashboardStreams(context, page, nginx.url);
      const protocol = await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
      );
      expect(protocol).toBe('h2');
      expect(appErrors).toEqual([]);
    } finally {
      await nginx.stop();
      await server.stop();
    }
  });
});
