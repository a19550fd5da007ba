import { FEEDS } from '../lib/metrics/feeds';
import { counter, expect, lastSeqs, openLive, recordDeliveries, test } from './fixtures';
import { findViolations } from './kit';
import { chartTestId, FIRST_FEED } from './fixtures/test-config';

/** The server sends a burst of events the client already has. */

// A producer that never ticks by itself: the test publishes, so every number is exact.
test.use({ serverEnv: { METRICS_INTERVAL_MS: '3600000' } });

/** Every feed of the catalogue at `seq`: the dashboard shows them all, whatever their number. */
const everyFeedAt = (seq: number) => Object.fromEntries(FEEDS.map((feed) => [feed.name, seq]));
const TICKS = 5;
/** Every event published so far (one per feed per tick), all of which the page already has. */
const BURST = TICKS * FEEDS.length;

test('a burst of duplicates is dropped and counted; data and charts do not change', async ({ page, faults }) => {
  await faults.publish(TICKS);
  const received = await recordDeliveries(page);
  await openLive(page);
  expect(await lastSeqs(page)).toEqual(everyFeedAt(TICKS));
  await expect(page.getByTestId(chartTestId(FIRST_FEED))).toHaveAttribute('data-points', String(TICKS));

  await faults.duplicates(BURST);
  await expect.poll(() => counter(page, 'duplicates-dropped')).toBe(BURST);
  expect(await lastSeqs(page)).toEqual(everyFeedAt(TICKS));
  await expect(page.getByTestId(chartTestId(FIRST_FEED))).toHaveAttribute('data-points', String(TICKS));
  expect(await counter(page, 'events-applied')).toBe(0);
  // The page did receive the burst, every event of it a duplicate, and nothing else went wrong.
  const violations = findViolations(await received(), { held: everyFeedAt(TICKS) });
  expect(violations.length).toBe(BURST);
  expect(violations.filter((v) => v.kind !== 'duplicate')).toEqual([]);

  // Still live and merging: the next real tick is applied.
  await faults.publish(1);
  await expect(page.locator(`[data-feed="${FIRST_FEED}"]`)).toHaveAttribute('data-last-seq', String(TICKS + 1));
  await expect(page.getByTestId(chartTestId(FIRST_FEED))).toHaveAttribute('data-points', String(TICKS + 1));
  expect(findViolations(await received(), { held: everyFeedAt(TICKS), allow: ['duplicate'] })).toEqual([]);
});
