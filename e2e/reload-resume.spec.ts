import { FEEDS } from '../lib/metrics/feeds';
import { badge, counter, expect, openLive, test, transitions } from './fixtures';

/**
 * After a reload the stream starts from the cursor the server-rendered snapshot
 * is consistent with, so the page continues from exactly what it first painted: no gap, no
 * duplicate, no reset.
 */

/** One attribute per feed card in the server HTML. */
function htmlLastSeqs(html: string): Record<string, number> {
  const seqs: Record<string, number> = {};
  for (const [, feed, seq] of html.matchAll(/data-feed="([^"]+)" data-last-seq="(\d+)"/g)) seqs[feed!] = Number(seq);
  return seqs;
}

test('a reload resumes from the snapshot cursor: every event after the first paint, once', async ({
  page,
  appErrors,
}) => {
  await openLive(page);
  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(16);

  const streamUrls: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/stream') streamUrls.push(request.url());
  });
  const [served] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === '/'),
    page.reload(),
  ]);
  const html = await served.text();
  const cursor = /data-testid="inspector-cursor"[^>]*>([^<]+)</.exec(html)?.[1];
  const painted = htmlLastSeqs(html);
  expect(cursor).toMatch(/^[a-z0-9]+\.\d+/);
  expect(Object.keys(painted)).toHaveLength(FEEDS.length);

  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  // The one stream of the reloaded page asked to resume from the painted snapshot's cursor.
  expect(streamUrls).toHaveLength(1);
  expect(new URL(streamUrls[0]!).searchParams.get('lastEventId')).toBe(cursor);
  const [first] = await transitions(page);
  expect(first).toMatchObject({ from: 'connecting', to: 'live' });
  expect(first?.reason).toMatch(/^resumed, \d+ event\(s\) replayed$/);

  await expect.poll(() => counter(page, 'events-applied')).toBeGreaterThanOrEqual(16);
  // Read together, in one task: the counters and the cards come from the same store commit.
  const now = await page.evaluate(() => {
    const root = document.querySelector('[data-testid="dashboard"]')!;
    const seqs = Object.fromEntries(
      [...document.querySelectorAll('[data-feed]')].map((card) => [
        card.getAttribute('data-feed') ?? '',
        Number(card.getAttribute('data-last-seq')),
      ]),
    );
    return {
      applied: Number(root.getAttribute('data-events-applied')),
      duplicates: Number(root.getAttribute('data-duplicates-dropped')),
      gaps: Number(root.getAttribute('data-gaps')),
      resets: Number(root.getAttribute('data-resets')),
      seqs,
    };
  });
  // Every seq after the painted one was applied exactly once: nothing skipped, nothing twice.
  const expected = Object.entries(painted).reduce((sum, [feed, seq]) => sum + (now.seqs[feed]! - seq), 0);
  expect(now).toMatchObject({ applied: expected, duplicates: 0, gaps: 0, resets: 0 });
  expect(appErrors).toEqual([]);
});
