import { FEEDS } from '../lib/metrics/feeds';
import { counter, expect, lastSeqs, openLive, test } from './fixtures';
import { chartTestId, FIRST_FEED } from './fixtures/test-config';

/** Spec 6: the server sends a burst of events the client already has. */

// A producer that never ticks by itself: the test publishes, so every number is exact.
test.use({ serverEnv: { METRICS_INTERVAL_MS: '3600000' } });

/** Every feed of the catalogue at `seq`: the dashboard shows them all, whatever their number. */
const everyFeedAt = (seq: number) => Object.fromEntries(FEEDS.map((feed) => [feed.name, seq]));
const TICKS = 5;
/** Every event published so far (one per feed per tick), all of which the page already has. */
const BURST = TICKS * FEEDS.length;

test('a burst of duplicates is dropped and counted; data and charts do not change', async ({ page, faults }) => {
  await faults.publish(TICKS);
  await openLive(page);
  expect(await lastSeqs(page)).toEqual(everyFeedAt(TICKS));
  await expect(page.getByTestId(chartTestId(FIRST_FEED))).toHaveAttribute('data-points', String(TICKS));

  await faults.duplicates(BURST);
  await expect.poll(() => counter(page, 'duplicates-dropped')).toBe(BURST);
  expect(await lastSeqs(page)).toEqual(everyFeedAt(TICKS));
  await expect(page.getByTestId(chartTestId(FIRST_FEED))).toHaveAttribute('data-points', String(TICKS));
  expect(await counter(page, 'events-applied')).toBe(0);
  expect(await counter(page, 'gaps')).toBe(0);

  // Still live and merging: the next real tick is applied.
  await faults.publish(1);
  await expect(page.locator(`[data-feed="${FIRST_FEED}"]`)).toHaveAttribute('data-last-seq', String(TICKS + 1));
  await expect(page.getByTestId(chartTestId(FIRST_FEED))).toHaveAttribute('data-points', String(TICKS + 1));
});
