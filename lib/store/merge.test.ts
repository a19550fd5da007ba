import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireMetric } from '@/lib/sse/payloads';
import { FeedTrack, MAX_PENDING } from './merge';
import { FEED_A } from '@/lib/testing/catalogue';

const event = (seq: number): WireMetric => ({ feed: FEED_A, seq, ts: seq * 1000, value: seq % 7 });
const DUPLICATE = { applied: 0, duplicate: true };
const fresh = () => {
  const track = new FeedTrack({ windowMs: 10_000_000, maxPoints: 100_000 });
  track.load({ firstSeq: 1, ts: [], value: [] }, 'ep.0');
  return track;
};
const state = (t: FeedTrack) => ({
  lastSeq: t.lastSeq,
  ts: [...t.series.ts],
  values: [...t.series.values],
  pending: t.pending.size,
  lastCursor: t.lastCursor,
});

function feed(track: FeedTrack, events: readonly WireMetric[]) {
  let applied = 0;
  let duplicates = 0;
  for (const e of events) {
    const result = track.apply(e, `ep.${e.seq}`);
    if (result.duplicate) duplicates += 1;
    applied += result.applied;
  }
  return { applied, duplicates };
}

describe('FeedTrack.apply', () => {
  it('applies a clean sequence in order', () => {
    const t = fresh();
    expect(feed(t, [1, 2, 3].map(event))).toEqual({ applied: 3, duplicates: 0 });
    expect(state(t)).toMatchObject({ lastSeq: 3, ts: [1000, 2000, 3000], pending: 0, lastCursor: 'ep.3' });
  });

  it('drops and counts duplicates', () => {
    const t = fresh();
    expect(feed(t, [1, 2, 2, 1, 3, 3].map(event))).toEqual({ applied: 3, duplicates: 3 });
  });

  it('holds a point behind a hole and drains when the hole fills', () => {
    const t = fresh();
    feed(t, [1, 3, 4].map(event));
    expect(t.lastSeq).toBe(1);
    expect(t.hasHole).toBe(true);
    expect(t.apply(event(3), 'x')).toEqual(DUPLICATE);
    expect(t.apply(event(2), 'ep.2')).toEqual({ applied: 3, duplicate: false });
    expect(state(t)).toMatchObject({ lastSeq: 4, pending: 0, ts: [1000, 2000, 3000, 4000] });
  });

  it('takes the first event as the baseline when nothing was loaded', () => {
    const t = new FeedTrack();
    expect(t.apply(event(41), 'a')).toEqual({ applied: 1, duplicate: false });
    expect(t.apply(event(40), 'b')).toEqual(DUPLICATE);
    expect(t.apply(event(42), 'c')).toEqual({ applied: 1, duplicate: false });
  });

  it('waits for a hole until the resume is asked, then gives up what its answer skipped', () => {
    const t = fresh();
    feed(t, [1, 2, 4, 5].map(event));
    expect(t.lastSeq).toBe(2);
    t.askResume();
    // The answer replays from before the hole: 2 (held), then 4 (waiting), without 3.
    expect(t.apply(event(2), 'r')).toEqual(DUPLICATE);
    expect(t.apply(event(4), 'r')).toEqual({ applied: 2, duplicate: true });
    expect(t.takeLosses()).toEqual([{ from: 2000, to: 4000, points: 1 }]);
    expect(t.takeLosses()).toEqual([]);
    expect(state(t)).toMatchObject({ lastSeq: 5, pending: 0, ts: [1000, 2000, 4000, 5000] });
    expect(t.resumeAsked).toBe(false);
    // A late 3 is a duplicate now, never a doubled or out-of-order point.
    expect(t.apply(event(3), 'late')).toEqual(DUPLICATE);
    expect(t.apply(event(6), 'ep.6')).toEqual({ applied: 1, duplicate: false });
  });

  it('gives up several holes at once, applying what waited between them', () => {
    const t = fresh();
    feed(t, [1, 3, 6].map(event));
    t.askResume();
    expect(t.apply(event(8), 'r')).toEqual({ applied: 3, duplicate: false });
    expect(t.takeLosses()).toEqual([
      { from: 1000, to: 3000, points: 1 },
      { from: 3000, to: 6000, points: 2 },
      { from: 6000, to: 8000, points: 1 },
    ]);
    expect(t.lastSeq).toBe(8);
  });

  it('asking a resume without a hole changes nothing', () => {
    const t = fresh();
    feed(t, [1, 2].map(event));
    t.askResume();
    expect(t.resumeAsked).toBe(false);
    expect(t.apply(event(4), 'x')).toEqual({ applied: 0, duplicate: false });
  });

  it('gives up the oldest hole when too many points wait behind holes', () => {
    const t = fresh();
    feed(t, [1].map(event));
    feed(
      t,
      Array.from({ length: MAX_PENDING + 1 }, (_, i) => event(i + 3)),
    );
    expect(t.lastSeq).toBe(MAX_PENDING + 3);
    expect(t.pending.size).toBe(0);
    expect(t.takeLosses()).toEqual([{ from: 1000, to: 3000, points: 1 }]);
  });

  it('any interleaving of duplicates and reorders of a valid sequence ends in the clean state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 80 }),
        (n, duplicatePicks, swaps) => {
          const clean = Array.from({ length: n }, (_, i) => event(i + 1));
          const noisy = [...clean, ...duplicatePicks.map((p) => clean[p % n]!)];
          for (const [a, b] of swaps) {
            const i = a % noisy.length;
            const j = b % noisy.length;
            [noisy[i], noisy[j]] = [noisy[j]!, noisy[i]!];
          }
          const reference = fresh();
          feed(reference, clean);
          const subject = fresh();
          const counts = feed(subject, noisy);
          expect(state(subject)).toEqual(state(reference));
          expect(counts).toEqual({ applied: n, duplicates: duplicatePicks.length });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('loads a snapshot window and continues after it', () => {
    const t = new FeedTrack();
    t.load({ firstSeq: 10, ts: [1, 2, 3], value: [5, 6, 7] }, 'ep.30');
    expect(state(t)).toMatchObject({ lastSeq: 12, ts: [1, 2, 3], lastCursor: 'ep.30' });
    expect(t.apply(event(12), 'x')).toEqual(DUPLICATE);
    expect(t.apply(event(13), 'y')).toEqual({ applied: 1, duplicate: false });
  });
});
