import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamItem } from './protocol';
import { ReplayRing } from './replay-ring';
import { FEED_A } from '@/lib/testing/catalogue';

/** The replay ring answers "what comes after cursor X?" only when it really knows. */

const metric = (seq: number, epoch = 'ep'): StreamItem => ({
  kind: 'metric',
  cursor: `${epoch}.${seq}`,
  event: { feed: FEED_A, seq, ts: seq, value: seq },
});
const reset = (seq: number, epoch: string): StreamItem => ({
  kind: 'reset',
  cursor: `${epoch}.${seq}`,
  reset: { reason: 'epoch_changed', epoch, cursor: `${epoch}.${seq}`, windowMs: 1, feeds: {} },
});
const seqs = (items: StreamItem[] | null) => items?.map((item) => item.cursor) ?? null;

/** A ring that started at `from` and then saw from+1 … to. */
function filled(from: number, to: number, capacity?: number) {
  const ring = new ReplayRing(capacity);
  ring.resetTo(`ep.${from}`);
  for (let seq = from + 1; seq <= to; seq += 1) ring.record(metric(seq), ring.last());
  return ring;
}

describe('ReplayRing', () => {
  it('returns exactly the events after a cursor it holds, or after its floor', () => {
    const ring = filled(3, 8);
    expect(seqs(ring.after('ep.5'))).toEqual(['ep.6', 'ep.7', 'ep.8']);
    expect(seqs(ring.after('ep.3'))).toEqual(['ep.4', 'ep.5', 'ep.6', 'ep.7', 'ep.8']);
    expect(ring.after('ep.8')).toEqual([]);
  });

  it('says "nothing newer" to a tab ahead of it, and "cannot tell" to one behind its floor', () => {
    const ring = filled(3, 8);
    expect(ring.after('ep.12')).toEqual([]);
    expect(ring.after('ep.2')).toBeNull();
    expect(ring.after(null)).toBeNull();
    expect(ring.after('other.5')).toBeNull();
  });

  it('forgets the oldest past its capacity, and its floor moves with them', () => {
    const ring = filled(0, 10, 4);
    expect(ring.size).toBe(4);
    expect(seqs(ring.after('ep.6'))).toEqual(['ep.7', 'ep.8', 'ep.9', 'ep.10']);
    expect(ring.after('ep.5')).toBeNull();
  });

  it('starts over at an event that does not follow on, so it never holds a hole', () => {
    const ring = filled(0, 3);
    expect(ring.record(metric(6), 'ep.5')).toBe('restarted');
    expect(ring.after('ep.3')).toBeNull();
    expect(seqs(ring.after('ep.5'))).toEqual(['ep.6']);
  });

  it('ignores an event it is already past, even when told it follows the last one (a leader re-sent it)', () => {
    // A leader knows no predecessor but its ring's last event: a stream that re-sends an older
    // event (a resume from before a hole) must not put it after the newest.
    const ring = filled(0, 5);
    expect(ring.record(metric(3), ring.last())).toBe('duplicate');
    expect(seqs(ring.after('ep.2'))).toEqual(['ep.3', 'ep.4', 'ep.5']);
    expect(ring.last()).toBe('ep.5');
  });

  it('ignores an event it already has', () => {
    const ring = filled(0, 5);
    expect(ring.record(metric(4), null)).toBe('duplicate');
    expect(ring.size).toBe(5);
  });

  it('after a reset, answers anyone behind it (or in the old epoch) with the reset and what follows', () => {
    const ring = filled(0, 5);
    ring.record(reset(10, 'new'), null);
    ring.record(metric(11, 'new'), 'new.10');
    expect(seqs(ring.after('ep.3'))).toEqual(['new.10', 'new.11']);
    expect(seqs(ring.after(null))).toEqual(['new.10', 'new.11']);
    expect(seqs(ring.after('new.4'))).toEqual(['new.10', 'new.11']);
    expect(seqs(ring.after('new.10'))).toEqual(['new.11']);
  });

  it('absorbs a replay that joins up with a run that started over, closing the hole', () => {
    const ring = filled(0, 3);
    ring.record(metric(7), 'ep.6');
    ring.record(metric(8), 'ep.7');
    ring.absorb('ep.3', [metric(4), metric(5), metric(6), metric(7)]);
    expect(seqs(ring.after('ep.0'))).toBeNull();
    expect(seqs(ring.after('ep.3'))).toEqual(['ep.4', 'ep.5', 'ep.6', 'ep.7', 'ep.8']);
  });

  it('keeps its run when a replay does not reach it', () => {
    const ring = filled(0, 3);
    ring.record(metric(9), 'ep.8');
    ring.absorb('ep.3', [metric(4), metric(5)]);
    expect(seqs(ring.after('ep.8'))).toEqual(['ep.9']);
    expect(ring.after('ep.3')).toBeNull();
  });
});

describe('ReplayRing against a model', () => {
  it('answers a cursor with exactly the events after it, or not at all; never with a hole', () => {
    // A follower's ring: the leader sends seqs 1..n (each with prev = the one before), some are
    // lost on the way, and the ring is small.
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 70 }),
        (arrives, capacity, asked) => {
          const ring = new ReplayRing(capacity);
          ring.resetTo('ep.0');
          arrives.forEach((arrived, i) => arrived && ring.record(metric(i + 1), `ep.${i}`));
          const seqOf = (item: StreamItem) => (item.kind === 'metric' ? item.event.seq : NaN);
          const held = ring.held().map(seqOf);
          held.forEach((seq, i) => i > 0 && expect(seq).toBe((held[i - 1] ?? NaN) + 1));
          const answer = ring.after(`ep.${asked}`);
          if (answer === null) return;
          const got = answer.map(seqOf);
          const newest = Number(ring.last()?.split('.')[1]);
          expect(got).toEqual(Array.from({ length: Math.max(0, newest - asked) }, (_, i) => asked + 1 + i));
        },
      ),
    );
  });
});
