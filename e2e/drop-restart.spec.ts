import { FEEDS } from '../lib/metrics/feeds';
import {
  badge,
  counter,
  expect,
  LOADED_TIMER_SLACK_MS,
  openLive,
  recordDeliveries,
  RECOVERY_TIMEOUT_MS,
  statesVisited,
  test,
} from './fixtures';
import { findViolations } from './kit';
import { wordsShownSince } from './reason-words';

/** The server restarts and forgets everything (new epoch). */

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`server restart (${signal}): resyncing with the reset reported, then live`, async ({
    page,
    server,
    appErrors,
  }) => {
    const received = await recordDeliveries(page);
    await openLive(page);
    await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(FEEDS.length);
    const epochBefore = (await (await fetch(`${server.url}/api/health`)).json()) as { epoch: string };

    // The fixture falls back to SIGKILL after 10 s: a SIGTERM must end the server by itself
    // (open streams would hold `next start` forever), and promptly (1 s grace + a busy machine).
    const stoppedAt = await page.evaluate(() => Date.now());
    const exit = await server.stop(signal, 10_000);
    if (signal === 'SIGTERM') {
      expect(exit.signal).not.toBe('SIGKILL');
      expect(exit.ms).toBeLessThan(3000 + LOADED_TIMER_SLACK_MS);
    }
    await expect(badge(page)).not.toHaveAttribute('data-state', 'live');
    // Connections are refused while it is down: the host is reachable, the server is not there.
    await expect
      .poll(() => wordsShownSince(page, stoppedAt), { timeout: RECOVERY_TIMEOUT_MS })
      .toContain("Can't reach the server, trying again");
    expect((await wordsShownSince(page, stoppedAt)).filter((w) => /network|offline/i.test(w))).toEqual([]);
    await server.restart();

    await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: RECOVERY_TIMEOUT_MS });
    await expect(page.getByTestId('recovery-toast')).toHaveAttribute('data-kind', 'resynced');
    await expect(page.getByTestId('recovery-message')).toHaveText(/^Server restarted — /);
    expect(await counter(page, 'resets')).toBe(1);
    // What the page received: the new epoch restarts every feed's numbering once (the reset's
    // snapshot), and nothing else breaks: no gap, no duplicate, before or after.
    const violations = findViolations(await received());
    expect(violations.map((v) => v.kind)).toEqual(violations.map(() => 'reset'));
    expect(new Set(violations.map((v) => v.feed)).size).toBe(violations.length);
    expect(violations.length).toBeGreaterThan(0);

    await page.getByTestId('stream-inspector').locator('summary').first().click();
    const states = await statesVisited(page);
    const resyncing = states.indexOf('resyncing');
    expect(resyncing).toBeGreaterThan(states.indexOf('reconnecting'));
    // Then live (not necessarily the last entry: a page starved by a busy machine may have
    // tripped its watchdog since, and that is another spec's subject).
    expect(states.indexOf('live', resyncing)).toBeGreaterThan(resyncing);
    const epochAfter = (await (await fetch(`${server.url}/api/health`)).json()) as { epoch: string };
    expect(epochAfter.epoch).not.toBe(epochBefore.epoch);
    expect(appErrors).toEqual([]);
  });
}
