import { expect, type Page } from '@playwright/test';
import { connectSse, dropTest, findViolations, recordSse, startNextApp, type Delivery, type SseLog } from './kit';

/**
 * The kit on an app it does not know: e2e/naive-app, SSE written the way a typical Next user
 * writes it (a route handler with a ReadableStream fed by a setInterval, a page with a native
 * EventSource). Only the kit's public API is used here. The naive app fails some of these faults,
 * and that is the point: each test asserts what it actually does, so the suite passes while
 * showing that the kit detects the failure (e2e/naive-app/README.md says what fails and why).
 *
 * Needs its build: `npm run build:naive-app` (`npm test` does it).
 */

const TICK_MS = 100;
const test = dropTest((env) => startNextApp({ dir: 'e2e/naive-app', env: { TICK_MS: String(TICK_MS), ...env } }));

const state = (page: Page) => page.getByTestId('state');
const shown = async (page: Page) => Number(await page.getByTestId('last').innerText());

/** The page's received values as deliveries: the app's events carry one counter, `n`. */
const deliveries = (log: SseLog): Delivery[] =>
  log.events.map((e) => ({ seq: (JSON.parse(e.data) as { n: number }).n }));

/** Opens the page through the proxy and waits until it has received `count` events. */
async function openReceiving(page: Page, count = 3): Promise<() => Promise<SseLog>> {
  const received = await recordSse(page, { path: '/api/events' });
  await page.goto('/');
  await expect(state(page)).toHaveText('open');
  await expect.poll(async () => (await received()).events.length).toBeGreaterThanOrEqual(count);
  return received;
}

/** Waits until the page has received events on a connection after the first (it reconnected). */
async function receivingAgain(received: () => Promise<SseLog>, count = 3): Promise<SseLog> {
  await expect
    .poll(async () => (await received()).events.filter((e) => e.stream > 1).length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(count);
  return received();
}

test('undisturbed: the page shows the stream and receives every value exactly once', async ({ page }) => {
  const received = await openReceiving(page, 10);
  expect(findViolations(deliveries(await received()))).toEqual([]);
  expect(await shown(page)).toBeGreaterThan(0);
});

test('a cut: EventSource reconnects by itself, but the values published meanwhile are lost (no replay)', async ({
  page,
  chaos,
}) => {
  const received = await openReceiving(page);
  chaos.cut();
  const log = await receivingAgain(received);
  await expect(state(page)).toHaveText('open');
  expect(log.streams.length).toBeGreaterThanOrEqual(2);
  // The failure: the reconnect sent Last-Event-ID, the route ignores it, so every tick between
  // the cut and the reconnect (EventSource waits about 3 s by default) never reaches the page.
  const violations = findViolations(deliveries(log));
  expect(violations.map((v) => v.kind)).toEqual(['gap']);
  expect(violations[0]!.missing).toBeGreaterThan(0);
});

test('refused reconnects: the page says reconnecting, then open again, with a hole for the whole outage', async ({
  page,
  chaos,
}) => {
  const received = await openReceiving(page);
  chaos.refuse(true);
  chaos.cut();
  await expect(state(page)).toHaveText('reconnecting');
  // EventSource keeps retrying through refused connections (a network error is not final).
  await expect.poll(() => chaos.refused, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const lastBefore = await shown(page);
  chaos.refuse(false);
  const log = await receivingAgain(received);
  await expect(state(page)).toHaveText('open');
  const [gap, ...others] = findViolations(deliveries(log));
  expect(others).toEqual([]);
  expect(gap).toMatchObject({ kind: 'gap', expected: lastBefore + 1 });
  expect(gap!.missing).toBeGreaterThan(0);
});

test('a stall (half-open link): the page never notices and shows old values as live; nothing is lost', async ({
  page,
  chaos,
  server,
}) => {
  const received = await openReceiving(page);
  chaos.stall(true);
  const frozenAt = await shown(page);
  // The server goes on publishing: read its counter directly, not through the stalled proxy.
  const direct = await connectSse(`${server.url}/api/events`);
  await direct.waitFor(
    (sse) => Number(sse.lastEventId() ?? 0) >= frozenAt + 30,
    30_000,
    '30 ticks published while the link is stalled',
  );
  direct.close();
  // The failure: no heartbeat and no watchdog, so the page still says "open" and shows a value
  // 30 ticks old, with nothing to tell the user it is stale.
  await expect(state(page)).toHaveText('open');
  expect(await shown(page)).toBeLessThan(frozenAt + 30);
  chaos.stall(false);
  // TCP held the bytes: when the link moves again, everything arrives, late but complete.
  await expect.poll(() => shown(page)).toBeGreaterThanOrEqual(frozenAt + 30);
  const log = await received();
  expect(log.streams.length).toBe(1);
  expect(findViolations(deliveries(log))).toEqual([]);
});

test('a server restart: the page reconnects and the numbering starts again at 1 (a reset it cannot tell)', async ({
  page,
  server,
}) => {
  // Let the counter run past 50 first, so the numbers after the restart (1, 2, …) are ones the
  // page never received: the kit then reports the restart as a reset (a numbering that went back),
  // not as values delivered twice.
  const early = await connectSse(`${server.url}/api/events`);
  await early.waitFor((sse) => Number(sse.lastEventId() ?? 0) >= 50, 30_000, 'the counter past 50');
  early.close();
  const received = await openReceiving(page);
  await server.restart();
  const log = await receivingAgain(received);
  await expect(state(page)).toHaveText('open');
  // The failure: the counter lived in memory, so it starts again; the page shows smaller values
  // and cannot know its history is from another lifetime (the events carry no epoch).
  const violations = findViolations(deliveries(log));
  expect(violations.map((v) => v.kind)).toEqual(['reset']);
  expect(violations[0]!.seq).toBeLessThan(50);
});
