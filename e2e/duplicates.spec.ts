import { counter, expect, lastSeqs, openLive, test } from './fixtures';

/** Spec 6: the server sends a burst of events the client already has. */

// A producer that never ticks by itself: the test publishes, so every number is exact.
test.use({ serverEnv: { METRICS_INTERVAL_MS: '3600000' } });

test('a burst of duplicates is dropped and counted; data and charts do not change', async ({ page, faults }) => {
  await faults.publish(5);
  await openLive(page);
  expect(Object.values(await lastSeqs(page))).toEqual(Array(8).fill(5));
  await expect(page.getByTestId('chart-cpu')).toHaveAttribute('data-points', '5');

  await faults.duplicates(40);
  await expect.poll(() => counter(page, 'duplicates-dropped')).toBe(40);
  expect(Object.values(await lastSeqs(page))).toEqual(Array(8).fill(5));
  await expect(page.getByTestId('chart-cpu')).toHaveAttribute('data-points', '5');
  expect(await counter(page, 'events-applied')).toBe(0);
  expect(await counter(page, 'gaps')).toBe(0);

  // Still live and merging: the next real tick is applied.
  await faults.publish(1);
  await expect(page.locator('[data-feed="cpu"]')).toHaveAttribute('data-last-seq', '6');
  await expect(page.getByTestId('chart-cpu')).toHaveAttribute('data-points', '6');
});
