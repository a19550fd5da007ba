import { describe, expect, it } from 'vitest';
import { assertExactlyOnce, describeViolation, findViolations, seqsByFeed, type Delivery } from './exactly-once';

const feed = (name: string, ...seqs: number[]): Delivery[] => seqs.map((seq) => ({ feed: name, seq }));

describe('exactly-once assertions', () => {
  it('accept per-feed contiguous deliveries, interleaved, starting anywhere', () => {
    const received = [...feed('cpu', 40, 41), ...feed('mem', 7), ...feed('cpu', 42), ...feed('mem', 8, 9)];
    expect(findViolations(received)).toEqual([]);
    expect(() => assertExactlyOnce(received)).not.toThrow();
    expect(seqsByFeed(received)).toEqual({ cpu: [40, 41, 42], mem: [7, 8, 9] });
  });

  it('report a gap with the feed, the missing seqs and the neighbours', () => {
    const received = [...feed('mem', 1, 2, 3), ...feed('cpu', 39, 40, 41, 44, 45, 46)];
    const [gap, ...rest] = findViolations(received);
    expect(rest).toEqual([]);
    expect(gap).toMatchObject({ kind: 'gap', feed: 'cpu', index: 6, seq: 44, expected: 42, missing: 2 });
    expect(describeViolation(gap!)).toBe(
      'feed "cpu", delivery #6: gap: got seq 44 after 41, 2 missing (42…43) (seqs: …, 40, 41, [44], 45, 46)',
    );
    expect(() => assertExactlyOnce(received)).toThrow(
      'not exactly once: feed "cpu", delivery #6: gap: got seq 44 after 41, 2 missing (42…43)',
    );
  });

  it('report a duplicate, even one that arrives late', () => {
    const received = feed('cpu', 1, 2, 3, 2, 4);
    expect(findViolations(received)).toMatchObject([{ kind: 'duplicate', feed: 'cpu', index: 3, seq: 2 }]);
    expect(() => assertExactlyOnce(received)).toThrow(
      'not exactly once: feed "cpu", delivery #3: duplicate: seq 2 was already delivered (seqs: …, 2, 3, [2], 4)',
    );
    expect(findViolations(feed('x', 5, 5))).toMatchObject([{ kind: 'duplicate', seq: 5 }]);
  });

  it('report a reset: the numbering restarting, or a new epoch', () => {
    expect(() => assertExactlyOnce(feed('', 8, 9, 10, 1, 2))).toThrow(
      'not exactly once: feed "", delivery #3: reset: seq went back to 1 after 10, never delivered before (seqs: …, 9, 10, [1], 2)',
    );
    const epochs: Delivery[] = [
      { feed: 'cpu', seq: 5, epoch: 'a' },
      { feed: 'cpu', seq: 6, epoch: 'a' },
      { feed: 'cpu', seq: 7, epoch: 'b' },
    ];
    expect(() => assertExactlyOnce(epochs)).toThrow(
      'not exactly once: feed "cpu", delivery #2: reset: epoch a → b, numbering restarted at seq 7 (seqs: 5, 6, [7])',
    );
  });

  it('continue after a violation and count them all; `allow` leaves out the expected kinds', () => {
    const received = [...feed('cpu', 1, 2, 1, 2, 3, 5), ...feed('cpu', 5)];
    expect(findViolations(received).map((v) => v.kind)).toEqual(['duplicate', 'duplicate', 'gap', 'duplicate']);
    expect(() => assertExactlyOnce(received)).toThrow(/\(and 3 more\)$/);
    expect(findViolations(received, { allow: ['duplicate'] }).map((v) => v.kind)).toEqual(['gap']);
    // Across a restart the honest outcome is one reset, then a fresh contiguous numbering.
    const restart = [...feed('cpu', 8, 9), ...feed('cpu', 1, 2, 3)];
    expect(findViolations(restart, { allow: ['reset'] })).toEqual([]);
    expect(findViolations([...restart, ...feed('cpu', 5)], { allow: ['reset'] })).toMatchObject([
      { kind: 'gap', seq: 5, expected: 4 },
    ]);
  });

  it('take what the client held before (a snapshot) as delivered: `held`', () => {
    const burst = feed('cpu', 3, 4, 5);
    expect(findViolations(burst)).toEqual([]);
    expect(findViolations(burst, { held: { cpu: 5 } }).map((v) => v.kind)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(findViolations(feed('cpu', 6, 7), { held: { cpu: 5 } })).toEqual([]);
    expect(findViolations(feed('cpu', 7), { held: { cpu: 5 } })).toMatchObject([{ kind: 'gap', seq: 7, expected: 6 }]);
  });
});
