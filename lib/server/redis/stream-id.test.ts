import { describe, expect, it } from 'vitest';
import { compareStreamIds, isStreamId, parseStreamId } from './stream-id';

describe('stream ids', () => {
  it('recognises <ms>-<n>', () => {
    expect(isStreamId('1700000000000-0')).toBe(true);
    expect(isStreamId('0-0')).toBe(true);
    for (const bad of ['', '1', '1-', '-1', 'a-1', '1-1-1', '1.5-0']) expect(isStreamId(bad)).toBe(false);
  });

  it('accepts each part up to 2^64 - 1 and refuses anything larger (Redis would fail the command)', () => {
    expect(parseStreamId('18446744073709551615-18446744073709551615')).toBe(
      '18446744073709551615-18446744073709551615',
    );
    expect(parseStreamId('18446744073709551616-0')).toBeNull();
    expect(parseStreamId('1-18446744073709551616')).toBeNull();
    expect(parseStreamId('1-99999999999999999999')).toBeNull();
    expect(parseStreamId('99999999999999999999-0')).toBeNull();
    expect(parseStreamId('1-123456789012345678901')).toBeNull();
  });

  it('canonicalises leading zeros, so string comparison in Lua and here stays exact', () => {
    expect(parseStreamId('0001-007')).toBe('1-7');
    expect(parseStreamId('00000000000000000000-0')).toBe('0-0');
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
