import { assertExactlyOnce } from '../kit';
import { describe, expect, it } from 'vitest';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import type { Snapshot } from '@/lib/metrics/events';
import { STREAM_PATHS } from '../fixtures/next-server';
import { useStreamServer } from './support/stream-server';
import { FIRST_FEED, SECOND_FEED } from '../fixtures/test-config';

/**
 * Wire contract v1, resume (docs/protocol.md "Resume"): exact replay after a cut, the cursor as
 * header or query, in-band resets for cursors that cannot be honoured, and the snapshot cursor.
 * On both stream paths.
 */

const FEED_COUNT = FEED_NAMES.length;

describe.each(STREAM_PATHS)('GET /api/stream resume (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, { METRICS_INTERVAL_MS: '100' });
  /** Waits until the bus has published at least one tick past `head` (or any, when null). */
  const ticksPast = (head: string | null) =>
    api.waitForHealth((h) => h.bus.head !== null && h.bus.head !== head, 'a newer tick');

  it('replays exactly the missed events after a cut, then goes live: no gap, no duplicate', async () => {
    const first = await api.connect('/api/stream');
    await first.waitFor((c) => c.metrics().length >= FEED_COUNT * 3, 10_000, '3 ticks');
    first.close();
    const before = first.metrics();
    const cursor = first.lastCursor()!;
    // Let ticks pass while "disconnected".
    await ticksPast((await api.health()).bus.head);

    const second = await api.connect('/api/stream', { 'Last-Event-ID': cursor });
    await second.waitFor(
      (c) => (c.hello()?.replayed ?? 0) > 0 && c.metrics().length >= c.hello()!.replayed + FEED_COUNT * 3,
      10_000,
      'replay and 3 live ticks',
    );
    expect(second.hello()?.resumed).toBe(true);
    expect(second.resets()).toEqual([]);

    const all = [...before, ...second.metrics()];
    const cursors = all.map((m) => m.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    assertExactlyOnce(all);
  });

  it('accepts the cursor as ?lastEventId=, and the header wins over it', async () => {
    const probe = await api.connect(`/api/stream?feeds=${FIRST_FEED}`);
    await probe.waitFor((c) => c.metrics().length >= 4, 10_000, '4 ticks');
    probe.close();
    const [older, , newer] = probe.metrics();

    const byQuery = await api.connect(
      `/api/stream?feeds=${FIRST_FEED}&lastEventId=${encodeURIComponent(older!.cursor)}`,
    );
    await byQuery.waitFor((c) => c.metrics().length >= 1, 5000, 'replay');
    expect(byQuery.metrics()[0]?.seq).toBe(older!.seq + 1);

    const both = await api.connect(`/api/stream?feeds=${FIRST_FEED}&lastEventId=${encodeURIComponent(older!.cursor)}`, {
      'Last-Event-ID': newer!.cursor,
    });
    await both.waitFor((c) => c.metrics().length >= 1, 5000, 'replay');
    expect(both.metrics()[0]?.seq).toBe(newer!.seq + 1);
  });

  it.each([
    ['a malformed cursor', 'not a cursor', 'cursor_invalid'],
    ['a cursor from the future', 'EPOCH.999999999', 'cursor_invalid'],
    ['a cursor from another epoch', 'zz00other.5', 'epoch_changed'],
  ])('answers %s with a reset and a snapshot before any live metric', async (_label, raw, reason) => {
    const { epoch } = await ticksPast(null); // The snapshot then has history to carry.
    const client = await api.connect(`/api/stream?feeds=${FIRST_FEED},${SECOND_FEED}`, {
      'Last-Event-ID': raw.replace('EPOCH', epoch),
    });
    await client.waitFor((c) => c.metrics().length >= 2, 10_000, 'a live tick');
    const events = client.records.filter((r) => r.kind === 'event').map((r) => (r.kind === 'event' ? r.event : ''));
    expect(events.slice(0, 2)).toEqual(['hello', 'reset']);
    expect(client.hello()).toMatchObject({ resumed: false, replayed: 0 });
    expect(client.resets()).toHaveLength(1);
    const [reset] = client.resets();
    expect(reset?.reason).toBe(reason);
    expect(Object.keys(reset?.feeds ?? {}).sort()).toEqual([FIRST_FEED, SECOND_FEED]);
    expect(reset?.feeds[FIRST_FEED]?.ts.length).toBeGreaterThan(0);
    // The reset carries the snapshot cursor as its id, and live events continue right after it.
    const resetRecord = client.records.find((r) => r.kind === 'event' && r.event === 'reset');
    expect(resetRecord?.kind === 'event' && resetRecord.id).toBe(reset?.cursor);
    const window = reset!.feeds[FIRST_FEED]!;
    expect(client.metrics().find((m) => m.feed === FIRST_FEED)?.seq).toBe(window.firstSeq + window.ts.length);
  });

  it('resumes without a gap from the cursor of GET /api/snapshot', async () => {
    await ticksPast(null);
    const response = await fetch(`${api.server.url}/api/snapshot?feeds=${FIRST_FEED}`);
    expect(response.status).toBe(200);
    const snap = (await response.json()) as Snapshot;
    expect(Object.keys(snap.feeds)).toEqual([FIRST_FEED]);
    const window = snap.feeds[FIRST_FEED]!;
    expect(window.ts.length).toBe(window.value.length);
    expect(window.ts.length).toBeGreaterThan(0);
    const client = await api.connect(`/api/stream?feeds=${FIRST_FEED}&lastEventId=${snap.cursor}`);
    await client.waitFor((c) => c.metrics().length >= 2, 5000, 'live');
    expect(client.hello()?.resumed).toBe(true);
    expect(client.metrics()[0]?.seq).toBe(window.firstSeq + window.ts.length);
  });
});
