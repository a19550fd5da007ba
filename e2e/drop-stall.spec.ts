import type { Page } from '@playwright/test';
import { FEEDS } from '../lib/metrics/feeds';
import {
  badge,
  counter,
  expect,
  LOADED_TIMER_SLACK_MS,
  openLive,
  recordDeliveries,
  RECOVERY_TIMEOUT_MS,
  serverLastSeqs,
  test,
  transitions,
} from './fixtures';
import { assertExactlyOnce, type ChaosProxy, type Delivery } from './kit';
import { ledger } from './tab-helpers';
import { chartTestId, FIRST_FEED } from './fixtures/test-config';

/** A half-open link. Bytes stop, nothing closes: only the watchdog can notice. */

const cards = (page: Page, stale: boolean) => page.locator(`[data-feed][data-stale="${stale}"]`);

/**
 * Live and applying, then the link stops forwarding: waits for the `stale` that follows (read
 * from the log: `stale` lasts only until the next attempt starts), checks its reason, and that it
 * came `stallMs` after the last byte the proxy let through (the browser saw nothing later): never
 * before (the exact side), late by at most what a busy machine adds to a timer (the tolerant
 * side). Returns the reader of what the page received over its streams.
 */
async function stallUntilStale(page: Page, chaos: ChaosProxy, stallMs: number): Promise<() => Promise<Delivery[]>> {
  const received = await recordDeliveries(page);
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(FEEDS.length);

  chaos.stall(true);
  const stalledAt = Date.now();
  // A busy machine may already have starved the page into an earlier `stale`: take the one after the stall.
  const staleAfterStall = async () => (await transitions(page)).find((t) => t.to === 'stale' && t.at >= stalledAt);
  await expect.poll(staleAfterStall, { timeout: RECOVERY_TIMEOUT_MS }).toBeDefined();
  const stale = (await staleAfterStall())!;
  expect(stale.reason).toBe(`no bytes for ${(stallMs / 1000).toFixed(1)} s`);
  const silentFor = stale.at - chaos.lastDownstreamAt;
  expect(silentFor).toBeGreaterThanOrEqual(stallMs - 50);
  expect(silentFor).toBeLessThanOrEqual(stallMs + LOADED_TIMER_SLACK_MS);
  return received;
}

test.describe('heartbeat 1 s, ticks every 250 ms: the heartbeat rule is the sooner one', () => {
  const HEARTBEAT_MS = 1000;
  const STALL_MS = 2.5 * HEARTBEAT_MS;
  test.use({ serverEnv: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });

  test('a stalled link goes stale within 2.5 × heartbeat, then live again with no gap', async ({
    page,
    chaos,
    appErrors,
  }) => {
    const received = await stallUntilStale(page, chaos, STALL_MS);

    chaos.stall(false);
    await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
    // Resumed from the cursor: each seq received exactly once, across the stalled and the new stream.
    assertExactlyOnce(await received());
    await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'recovered');
    expect(appErrors).toEqual([]);
  });
});

test.describe('the default heartbeat (15 s) and feeds at 1 Hz: the data rate tells', () => {
  const TICK_MS = 1000;
  /** 3 missed ticks (lib/client/connection.ts), where the heartbeat alone would wait 37.5 s. */
  const STALL_MS = 3 * TICK_MS;
  test.use({ serverEnv: { SSE_HEARTBEAT_MS: '15000', METRICS_INTERVAL_MS: String(TICK_MS) } });

  test('a silent link is shown within 5 s, and the toast and the charts measure the data it held back', async ({
    page,
    chaos,
    server,
    appErrors,
  }) => {
    // 3 s after the last byte: within 5 s of the data stopping, where the heartbeat would take 37.5 s.
    const received = await stallUntilStale(page, chaos, STALL_MS);
    // The values say "as of" while the link is down (the badge may already be trying again).
    await expect(cards(page, true)).toHaveCount(FEEDS.length);

    // Hold the link silent until the server has published 10 more ticks than the page holds: a
    // data gap much longer than the few seconds the link was known to be down.
    const before = await ledger(page);
    await expect
      .poll(
        async () => {
          const head = await serverLastSeqs(server.url);
          return Math.min(...FEEDS.map((feed) => head[feed.name]! - before.seqs[feed.name]!));
        },
        { timeout: RECOVERY_TIMEOUT_MS },
      )
      .toBeGreaterThanOrEqual(10);
    chaos.stall(false);
    await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
    // Resumed from the cursor: each seq received exactly once, across the stalled and the new stream.
    assertExactlyOnce(await received());

    // "Reconnected — 14 s of missed data filled in (112 events)": all 8 feeds tick together, so the
    // events replayed per feed times the tick is the stretch filled in (to within a tick's jitter).
    await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'recovered');
    const message = await page.getByTestId('recovery-message').innerText();
    const match = /^Reconnected — (\d+(?:\.\d)?) s of missed data filled in \((\d+) events\)$/.exec(message);
    expect(match, message).not.toBeNull();
    const [seconds, events] = [Number(match![1]), Number(match![2])];
    expect(events % FEEDS.length).toBe(0);
    expect(events / FEEDS.length).toBeGreaterThanOrEqual(10);
    expect(Math.abs(seconds - (events / FEEDS.length) * (TICK_MS / 1000))).toBeLessThanOrEqual(1);
    // The charts mark the same stretch as recovered.
    await expect(page.getByTestId(chartTestId(FIRST_FEED))).not.toHaveAttribute('data-recovered', '0');
    await expect(cards(page, false)).toHaveCount(FEEDS.length);
    expect(appErrors).toEqual([]);
  });
});

test.describe('a feed that stops while the link is fine', () => {
  // A producer that never ticks by itself (the test publishes), heartbeats every second: the
  // link stays provably alive, only the data stops.
  test.use({ serverEnv: { METRICS_INTERVAL_MS: '3600000', SSE_HEARTBEAT_MS: '1000' } });

  test('values dim "as of" as soon as they are overdue, with no reconnect', async ({ page, faults }) => {
    await openLive(page);
    const since = Date.now();
    // Four ticks at once: the feeds' rhythm is as fast as it gets, so the floor of the hole
    // threshold (1.5 s) is what makes them overdue.
    await faults.publish(4);
    await expect(page.locator(`[data-feed="${FIRST_FEED}"]`)).toHaveAttribute('data-last-seq', '4');
    // Overdue after the hole threshold (at least 1.5 s), while the badge still says live.
    await expect(cards(page, true)).toHaveCount(FEEDS.length);
    await expect(page.locator(`[data-feed="${FIRST_FEED}"]`).getByTestId('feed-as-of')).toHaveText(/^as of /);
    await expect(badge(page)).toHaveAttribute('data-state', 'live');
    expect((await transitions(page)).filter((t) => t.at >= since)).toEqual([]);

    // The next point makes them current again.
    await faults.publish(1);
    await expect(cards(page, false)).toHaveCount(FEEDS.length);
  });
});
