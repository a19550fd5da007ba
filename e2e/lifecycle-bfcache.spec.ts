import { badge, expect, serverLastSeqs, test as kit } from './fixtures';
import { lifecycleControl, lifecycleEvents, recordLifecycle } from './lifecycle-helpers';
import { expectContinuousSince, ledger, serverStreams } from './tab-helpers';

/**
 * A page put in the back/forward cache (`pagehide` persisted) closes its stream
 * first, so the server frees the slot and the page stays eligible for the cache; restored
 * (`pageshow` persisted), it is live again from its cursor: no gap, no duplicate.
 *
 * Playwright launches Chromium with `--disable-back-forward-cache`; this file takes it out.
 * CDP `Page.backForwardCacheNotUsed` says why a page was not cached, and the spec prints it
 * (Chromium only; Firefox caches by default and has no such report).
 */

const test = kit.extend({
  launchOptions: [
    async ({ launchOptions }, use) => {
      const ignored = Array.isArray(launchOptions.ignoreDefaultArgs) ? launchOptions.ignoreDefaultArgs : [];
      await use({ ...launchOptions, ignoreDefaultArgs: [...ignored, '--disable-back-forward-cache'] });
    },
    { scope: 'worker' },
  ],
});

test.setTimeout(120_000);

test('restored from the back/forward cache: stream closed while away, live again from the cursor', async ({
  context,
  page,
  server,
  browserName,
}) => {
  // Measured with Firefox ESR 140 (headless, over WebDriver BiDi): back to the dashboard, no
  // `pageshow` with persisted came within 20 s. Whether Firefox keeps such a page out of its
  // cache (no-store, an open stream, the BiDi session) or the page was reloaded is not known yet.
  test.fixme(
    browserName !== 'chromium',
    'Firefox ESR 140 did not restore the dashboard from the back/forward cache (no persisted pageshow); cause not yet found',
  );
  await recordLifecycle(page);
  // Why a page was not cached is Chromium's to say (CDP); in Firefox the `pageshow` check alone decides.
  const notCached: unknown[] = [];
  if (browserName === 'chromium') {
    const { cdp } = await lifecycleControl(context, page);
    cdp.on('Page.backForwardCacheNotUsed', (event) => notCached.push(event));
    await cdp.send('Page.enable');
  }

  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect.poll(() => serverStreams(server.url)).toBe(1);
  const before = await ledger(page);

  // Away: another document (another origin, the server itself), the dashboard in the cache.
  await page.goto(`${server.url}/api/health`);
  await expect.poll(() => serverStreams(server.url)).toBe(0);
  const missed = await serverLastSeqs(server.url);
  await expect
    .poll(async () => Object.entries(await serverLastSeqs(server.url)).some(([feed, seq]) => seq > missed[feed]! + 4))
    .toBe(true);

  await page.goBack({ waitUntil: 'commit' });
  await expect
    .poll(async () => (await lifecycleEvents(page).catch(() => [])).some((e) => e.type === 'pageshow' && e.persisted), {
      message: `not restored from the back/forward cache: ${JSON.stringify(notCached)}`,
    })
    .toBe(true);
  expect(notCached).toEqual([]);

  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect.poll(() => serverStreams(server.url)).toBe(1);
  await expectContinuousSince(page, server.url, before);
  const events = await lifecycleEvents(page);
  expect(events).toContainEqual({ type: 'pagehide', persisted: true });
});
