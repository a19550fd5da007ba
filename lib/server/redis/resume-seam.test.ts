import { describe, expect, it } from 'vitest';
import type { Batch, BusEvent } from '../bus';
import { createResumeSeam } from './resume-seam';
import { FEED_A } from '@/lib/testing/catalogue';

const event = (id: string, seq: number): BusEvent => ({
  cursor: `ep.${id}`,
  event: { feed: FEED_A, seq, ts: seq, value: seq },
});
const batch = (...seqs: number[]): Batch => seqs.map((seq) => event(`100-${seq}`, seq));

function seam() {
  const delivered: number[] = [];
  const s = createResumeSeam((b) => delivered.push(...b.map((e) => e.event.seq)));
  return { s, delivered };
}

describe('createResumeSeam', () => {
  it('holds live batches until opened, then passes only what is newer than the replay', () => {
    const { s, delivered } = seam();
    s.listener(batch(3, 4, 5));
    s.listener(batch(6));
    expect(delivered).toEqual([]);
    // The replay went up to seq 4.
    s.open('100-4');
    expect(delivered).toEqual([5, 6]);
  });

  it('keeps trimming after opening while the reader is still behind the replay', () => {
    const { s, delivered } = seam();
    // The replay read ahead of this instance's reader, up to seq 8.
    s.open('100-8');
    s.listener(batch(5, 6));
    s.listener(batch(7, 8, 9));
    s.listener(batch(10));
    expect(delivered).toEqual([9, 10]);
  });

  it('passes everything when nothing was replayed', () => {
    const { s, delivered } = seam();
    s.listener(batch(1));
    s.open(null);
    s.listener(batch(2));
    expect(delivered).toEqual([1, 2]);
  });

  it('compares ids, not strings (100-10 comes after 100-9)', () => {
    const { s, delivered } = seam();
    s.open('100-9');
    s.listener(batch(9, 10, 11));
    expect(delivered).toEqual([10, 11]);
  });
});
