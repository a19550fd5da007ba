import { describe, expect, it } from 'vitest';
import { compareCursors, CURSOR_MAX_LENGTH, cursorEpoch, formatCursor, newEpoch, parseCursor } from './cursor';

describe('cursor', () => {
  it('round-trips memory offsets and Redis stream ids', () => {
    expect(parseCursor(formatCursor('abc123', 42))).toEqual({ epoch: 'abc123', position: '42' });
    expect(parseCursor(formatCursor('abc123', '1700000000000-3'))).toEqual({
      epoch: 'abc123',
      position: '1700000000000-3',
    });
  });

  it('returns null for malformed input instead of throwing', () => {
    for (const raw of [
      null,
      undefined,
      '',
      '.',
      'abc',
      'abc.',
      '.12',
      'ABC.1',
      'a.b',
      'a.1.2',
      'a.-1',
      'a.1-',
      'a b.1',
      'x'.repeat(80),
      'é.1',
      'a.1\n',
    ]) {
      expect(parseCursor(raw)).toBeNull();
    }
  });

  it('stays within 64 ASCII characters', () => {
    const longest = formatCursor('z'.repeat(24), `${'9'.repeat(20)}-${'9'.repeat(18)}`);
    expect(longest.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
    expect(longest).toMatch(/^[\x21-\x7e]+$/);
    expect(() => formatCursor('z'.repeat(24), `${'9'.repeat(20)}-${'9'.repeat(20)}`)).toThrow(RangeError);
  });

  it('makes distinct, valid epochs even within the same millisecond', () => {
    const a = newEpoch(1_700_000_000_000, () => 0.1);
    const b = newEpoch(1_700_000_000_000, () => 0.2);
    expect(a).not.toBe(b);
    expect(parseCursor(formatCursor(a, 1))?.epoch).toBe(a);
  });
});

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
