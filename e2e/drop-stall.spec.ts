import { badge, counter, expect, openLive, RECOVERY_TIMEOUT_MS, statesVisited, test, transitions } from './fixtures';

/** Spec 2: a half-open link. Bytes stop, nothing closes: only the watchdog can notice. */

const HEARTBEAT_MS = 1000;
test.use({ serverEnv: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });

test('a stalled link goes stale within 2.5 × heartbeat, then live again with no gap', async ({
  page,
  chaos,
  appErrors,
}) => {
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(8);
  const gapsBefore = await counter(page, 'gaps');

  chaos.stall(true);
  const stalledAt = Date.now();
  // `stale` can be brief (the reconnect starts within one backoff window), so read the log.
  await expect.poll(() => statesVisited(page), { timeout: 2.5 * HEARTBEAT_MS + 3000 }).toContain('stale');
  const stale = (await transitions(page)).find((t) => t.to === 'stale')!;
  expect(stale.reason).toBe('no bytes for 2.5 s');
  // The watchdog fires 2.5 × heartbeat after the last byte, which came at most a tick before the stall.
  expect(stale.at - stalledAt).toBeLessThanOrEqual(2.5 * HEARTBEAT_MS + 100);
  expect(stale.at - stalledAt).toBeGreaterThanOrEqual(2.5 * HEARTBEAT_MS - 300);

  chaos.stall(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  expect(await counter(page, 'gaps')).toBe(gapsBefore);
  await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'recovered');
  expect(appErrors).toEqual([]);
});
