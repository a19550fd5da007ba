import { describe, expect, it } from 'vitest';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import { parseFeedsQuery } from './query';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

const q = (search: string) => parseFeedsQuery(new URLSearchParams(search));

describe('parseFeedsQuery', () => {
  it('defaults to every feed', () => {
    expect(q('')).toEqual({ ok: true, feeds: new Set(FEED_NAMES) });
  });

  it('accepts a comma-separated list and ignores duplicates and spaces', () => {
    expect(q(`feeds=${FEED_A}, ${FEED_B},${FEED_A}`)).toEqual({ ok: true, feeds: new Set([FEED_A, FEED_B]) });
  });

  it.each([
    ['feeds=', 'invalid_query'],
    [`feeds=${FEED_A},,${FEED_B}`, 'invalid_query'],
    [`feeds=${FEED_A}&feeds=${FEED_B}`, 'invalid_query'],
    [`feeds=${'x'.repeat(2000)}`, 'invalid_query'],
    [`feeds=${FEED_A},nope`, 'unknown_feed'],
    ['feeds=__proto__', 'unknown_feed'],
  ])('rejects %s as %s', (search, code) => {
    const result = q(search);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(5);
    }
  });
});
