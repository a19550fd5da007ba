import type { Page } from '@playwright/test';
import { badge, expect, health, openLive, statesVisited, test } from './fixtures';
import { ledger } from './tab-helpers';

/**
 * Planned rotation. With SSE_MAX_STREAM_MS=3000 the server ends every stream
 * after 2.7–3 s with `event: rotate`; the page reconnects from its cursor each time and the user
 * sees nothing: the badge stays `live`, no recovery toast, no gap, no duplicate. The stream
 * inspector counts the rotations.
 */

test.use({ serverEnv: { SSE_MAX_STREAM_MS: '3000' } });

const rotations = async (page: Page) => Number(await page.getByTestId('inspector-rotations').textContent());

test('stays live across rotations: no toast, no gap, no duplicate, rotations counted', async ({
  page,
  server,
  appErrors,
}) => {
  await openLive(page);
  const before = await ledger(page);
  const opened = (await health(server.url)).streams.opened;

  // Wait for the state "two rotations done", however long a busy machine takes to get there.
  await expect.poll(() => rotations(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  const after = await ledger(page);

  // The server agrees: streams ended by rotation, and each one was followed by a new stream.
  const now = await health(server.url);
  expect(now.streams.rotations).toBeGreaterThanOrEqual(2);
  expect(now.streams.opened - opened).toBeGreaterThanOrEqual(2);

  // Never left `live`: every transition since the first was into `live`.
  const visited = await statesVisited(page);
  expect(visited.filter((state) => state !== 'live' && state !== 'connecting')).toEqual([]);
  await expect(page.getByTestId('recovery-toast')).toHaveCount(0);
  // No gap, no duplicate: everything applied moved a feed's seq forward by exactly one.
  expect({ gaps: after.gaps, duplicates: after.duplicates, resets: after.resets }).toEqual({
    gaps: before.gaps,
    duplicates: before.duplicates,
    resets: 0,
  });
  expect(after.applied - before.applied).toBe(after.seqSum - before.seqSum);
  expect(after.applied).toBeGreaterThan(before.applied);
  expect(appErrors).toEqual([]);
});
