import { describe, expect, it } from 'vitest';
import { compareCursors, cursorEpoch } from './cursor-order';

describe('compareCursors()', () => {
  it('orders memory-bus offsets numerically, not as text', () => {
    expect(compareCursors('ep.9', 'ep.10')).toBe(-1);
    expect(compareCursors('ep.10', 'ep.9')).toBe(1);
    expect(compareCursors('ep.10', 'ep.10')).toBe(0);
  });

  it('orders Redis stream ids by time, then sequence, past 2^53', () => {
    expect(compareCursors('ep.1700000000000-2', 'ep.1700000000000-10')).toBe(-1);
    expect(compareCursors('ep.1700000000001-0', 'ep.1700000000000-99')).toBe(1);
    expect(compareCursors('ep.99999999999999999999', 'ep.99999999999999999998')).toBe(1);
  });

  it('cannot order cursors of different epochs or malformed ones', () => {
    expect(compareCursors('epa.1', 'epb.2')).toBeNull();
    expect(compareCursors('nonsense', 'epa.2')).toBeNull();
  });

  it('extracts the epoch', () => {
    expect(cursorEpoch('abc.12')).toBe('abc');
    expect(cursorEpoch(null)).toBeNull();
    expect(cursorEpoch('no-dot')).toBeNull();
  });
});
