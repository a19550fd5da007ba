import { describe, expect, it } from 'vitest';
import { compareStreamIds, isStreamId } from './stream-id';

describe('stream ids', () => {
  it('recognises <ms>-<n>', () => {
    expect(isStreamId('1700000000000-0')).toBe(true);
    expect(isStreamId('0-0')).toBe(true);
    for (const bad of ['', '1', '1-', '-1', 'a-1', '1-1-1', '1.5-0']) expect(isStreamId(bad)).toBe(false);
  });

  it('orders by time, then by sequence, without float precision loss', () => {
    expect(compareStreamIds('1-0', '2-0')).toBeLessThan(0);
    expect(compareStreamIds('2-0', '1-9')).toBeGreaterThan(0);
    expect(compareStreamIds('5-10', '5-9')).toBeGreaterThan(0);
    expect(compareStreamIds('5-3', '5-3')).toBe(0);
    expect(compareStreamIds('99999999999999999-0', '100000000000000000-0')).toBeLessThan(0);
    expect(compareStreamIds('9007199254740993-0', '9007199254740992-0')).toBeGreaterThan(0);
  });
});
