import { describe, expect, it } from 'vitest';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import { parseFeedsQuery } from './query';

const q = (search: string) => parseFeedsQuery(new URLSearchParams(search));

describe('parseFeedsQuery', () => {
  it('defaults to every feed', () => {
    expect(q('')).toEqual({ ok: true, feeds: new Set(FEED_NAMES) });
  });

  it('accepts a comma-separated list and ignores duplicates and spaces', () => {
    expect(q('feeds=cpu, rps,cpu')).toEqual({ ok: true, feeds: new Set(['cpu', 'rps']) });
  });

  it.each([
    ['feeds=', 'invalid_query'],
    ['feeds=cpu,,rps', 'invalid_query'],
    ['feeds=cpu&feeds=rps', 'invalid_query'],
    [`feeds=${'x'.repeat(2000)}`, 'invalid_query'],
    ['feeds=cpu,nope', 'unknown_feed'],
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
