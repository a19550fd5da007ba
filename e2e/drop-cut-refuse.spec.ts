import { FEEDS } from '../lib/metrics/feeds';
import {
  badge,
  counter,
  expect,
  lastSeqs,
  openLive,
  recordDeliveries,
  RECOVERY_TIMEOUT_MS,
  serverLastSeqs,
  test,
} from './fixtures';
import { assertExactlyOnce } from './kit';
import { wordsShownSince } from './reason-words';

/** The connection is cut, and reconnects are refused for 5 s. */

test('a cut then 5 s of refused reconnects: reconnecting with a countdown, then live, with no gap', async ({
  page,
  chaos,
  server,
  appErrors,
}) => {
  const received = await recordDeliveries(page);
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(2 * FEEDS.length);
  const seqsBefore = await lastSeqs(page);

  const cutAt = await page.evaluate(() => Date.now());
  chaos.refuse(true);
  chaos.cut();
  await expect(badge(page)).toHaveAttribute('data-state', 'reconnecting');
  await expect(page.getByTestId('retry-countdown')).toHaveText(/retrying in \d+ s/);
  // The outage: refused for 5 s, during which the client keeps trying without giving up. Three
  // attempts fit in 3.5 s whatever the jitter (backoff windows 0.5 + 1 + 2 s); the wait ends on
  // the proxy's conditions, whenever a busy machine gets there.
  await expect
    .poll(() => chaos.refusingForMs >= 5000 && chaos.refused >= 3, { timeout: RECOVERY_TIMEOUT_MS })
    .toBe(true);
  await expect(badge(page)).not.toHaveAttribute('data-state', 'live');
  // The words say what happened: the open stream's connection was lost, then the server could not
  // be reached (refused); never that the network or the device is down, which the page cannot know.
  const words = await wordsShownSince(page, cutAt);
  expect(words[0]).toBe('Connection to the server lost, trying again');
  expect(words).toContain("Can't reach the server, trying again");
  expect(words.filter((w) => /network|offline/i.test(w))).toEqual([]);

  chaos.refuse(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'recovered');
  await expect(page.getByTestId('recovery-message')).toHaveText(
    /^Reconnected — \d+(\.\d)? s of missed data filled in \(\d+ events?\)$/,
  );

  // Resumed inside the replay window, and every feed continues: what the page received over
  // both streams is each seq exactly once (no gap, no duplicate, no reset), and it says so too.
  const target = await serverLastSeqs(server.url);
  await expect
    .poll(async () => {
      const now = await lastSeqs(page);
      return Object.keys(target).filter((feed) => !(now[feed]! >= target[feed]! && now[feed]! > seqsBefore[feed]!));
    })
    .toEqual([]);
  assertExactlyOnce(await received());
  expect(await counter(page, 'gaps')).toBe(0);
  expect(await counter(page, 'resets')).toBe(0);
  expect(appErrors).toEqual([]);
});
