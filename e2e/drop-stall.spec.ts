import { FEEDS } from '../lib/metrics/feeds';
import {
  badge,
  counter,
  expect,
  LOADED_TIMER_SLACK_MS,
  openLive,
  RECOVERY_TIMEOUT_MS,
  test,
  transitions,
} from './fixtures';

/** Spec 2: a half-open link. Bytes stop, nothing closes: only the watchdog can notice. */

const HEARTBEAT_MS = 1000;
const STALL_MS = 2.5 * HEARTBEAT_MS;
test.use({ serverEnv: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });

test('a stalled link goes stale within 2.5 × heartbeat, then live again with no gap', async ({
  page,
  chaos,
  appErrors,
}) => {
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(FEEDS.length);
  const gapsBefore = await counter(page, 'gaps');

  chaos.stall(true);
  const stalledAt = Date.now();
  // `stale` can be brief (the reconnect starts within one backoff window), so read the log. A
  // busy machine may already have starved the page into an earlier `stale`: take the one after
  // the stall.
  const staleAfterStall = async () => (await transitions(page)).find((t) => t.to === 'stale' && t.at >= stalledAt);
  await expect.poll(staleAfterStall, { timeout: RECOVERY_TIMEOUT_MS }).toBeDefined();
  const stale = (await staleAfterStall())!;
  expect(stale.reason).toBe('no bytes for 2.5 s');
  // Measured from the last byte the proxy let through (the browser saw nothing later): never
  // before 2.5 × heartbeat (the exact side), and late by at most what a busy machine adds to a
  // timer (the tolerant side).
  const silentFor = stale.at - chaos.lastDownstreamAt;
  expect(silentFor).toBeGreaterThanOrEqual(STALL_MS - 50);
  expect(silentFor).toBeLessThanOrEqual(STALL_MS + LOADED_TIMER_SLACK_MS);

  chaos.stall(false);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
  expect(await counter(page, 'gaps')).toBe(gapsBefore);
  await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'recovered');
  expect(appErrors).toEqual([]);
});
