import { badge, expect, serverLastSeqs, test } from './fixtures';
import { lifecycleControl, lifecycleEvents, recordLifecycle } from './lifecycle-helpers';
import {
  caughtUp,
  expectContinuousSince,
  ledger,
  openTabs,
  reaches,
  role,
  serverStreams,
  settledLeader,
  TAB_SHARING_OFF,
} from './tab-helpers';

/**
 * A frozen page (Page Lifecycle `freeze`, driven by CDP
 * `Page.setWebLifecycleState`) stops its stream cleanly, so the server frees the slot, and
 * hands the lead to another tab if there is one; on `resume` it comes back live from its
 * cursor: no gap, no event applied twice. Closing the leader with `beforeunload`/`pagehide`
 * handlers run hands over the same way.
 */

test.setTimeout(120_000);

/** Freezing is Chrome's Page Lifecycle; Firefox has neither the events nor a way to drive them. */
const NO_FREEZE_IN_FIREFOX =
  'Firefox implements no Page Lifecycle freeze/resume, and has no CDP Page.setWebLifecycleState to drive it';

test('a frozen tab closes its stream and, on resume, is live again from its cursor', async ({
  context,
  page,
  server,
  browserName,
}) => {
  test.skip(browserName !== 'chromium', NO_FREEZE_IN_FIREFOX);
  await recordLifecycle(page);
  await page.goto('/');
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect.poll(() => serverStreams(server.url)).toBe(1);
  const before = await ledger(page);
  const control = await lifecycleControl(context, page);

  await control.freeze();
  // The fetch was aborted in the freeze handler: the server frees the slot.
  await expect.poll(() => serverStreams(server.url)).toBe(0);
  const missed = await serverLastSeqs(server.url);
  // Events go on without this tab; it must fetch them from its cursor on resume.
  await expect
    .poll(async () => Object.entries(await serverLastSeqs(server.url)).some(([feed, seq]) => seq > missed[feed]! + 4))
    .toBe(true);

  await control.resume();
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect.poll(() => serverStreams(server.url)).toBe(1);
  await expectContinuousSince(page, server.url, before);
  expect((await lifecycleEvents(page)).map((e) => e.type)).toEqual(expect.arrayContaining(['freeze', 'resume']));
});

test('the leader frozen: the other tab leads and stays live; the old leader resumes as a follower, without gap or duplicate', async ({
  context,
  page,
  server,
  browserName,
}) => {
  test.skip(...TAB_SHARING_OFF);
  test.skip(browserName !== 'chromium', NO_FREEZE_IN_FIREFOX);
  const pages = await openTabs(context, page, 2);
  for (const tab of pages) await expect(badge(tab)).toHaveAttribute('data-state', 'live');
  const leader = await settledLeader(pages);
  const other = pages.find((tab) => tab !== leader)!;
  await reaches(other, await serverLastSeqs(server.url));
  const [leaderBefore, otherBefore] = await Promise.all([ledger(leader), ledger(other)]);
  const control = await lifecycleControl(context, leader);

  await control.freeze();
  // Resigning released the Web Lock: the browser grants it to the other tab at once.
  await expect.poll(() => role(other)).toBe('leader');
  await expect(badge(other)).toHaveAttribute('data-state', 'live');
  // The frozen leader's stream is gone; the new leader's is the only one.
  await expect.poll(() => serverStreams(server.url)).toBe(1);
  await reaches(other, await serverLastSeqs(server.url));

  await control.resume();
  await expect.poll(() => role(leader)).toBe('follower');
  await expect(badge(leader)).toHaveAttribute('data-state', 'live');
  // One stream once settled (a starved tab may run its own for a moment: tabs-eight.spec.ts).
  await expect.poll(() => serverStreams(server.url)).toBe(1);

  const target = await serverLastSeqs(server.url);
  for (const [tab, before] of [
    [leader, leaderBefore],
    [other, otherBefore],
  ] as const) {
    await reaches(tab, target);
    const after = await ledger(tab);
    expect({ gaps: after.gaps, resets: after.resets }).toEqual({ gaps: before.gaps, resets: 0 });
    expect(after.applied - before.applied).toBe(after.seqSum - before.seqSum);
  }
});

test('the leader closed with its unload handlers run (close({runBeforeUnload})) hands over without gap', async ({
  context,
  page,
  server,
}) => {
  test.skip(...TAB_SHARING_OFF);
  const pages = await openTabs(context, page, 2);
  for (const tab of pages) await expect(badge(tab)).toHaveAttribute('data-state', 'live');
  const leader = await settledLeader(pages);
  const other = pages.find((tab) => tab !== leader)!;
  const before = await caughtUp(other, server.url);

  await leader.close({ runBeforeUnload: true });
  await expect.poll(() => role(other)).toBe('leader');
  await expect(badge(other)).toHaveAttribute('data-state', 'live');
  await expect.poll(() => serverStreams(server.url)).toBe(1);
  await expectContinuousSince(other, server.url, before);
});
