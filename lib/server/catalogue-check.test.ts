import { describe, expect, it } from 'vitest';
import { catalogueDrift } from './catalogue-check';
import { FEED_A, FEED_B, UNKNOWN_FEED } from '@/lib/testing/catalogue';

describe('catalogue drift', () => {
  it('is null when the page and the producer agree (order does not matter)', () => {
    expect(catalogueDrift([FEED_A, FEED_B], [FEED_B, FEED_A])).toBeNull();
  });

  it('names feeds added to and removed from the catalogue since the producer started', () => {
    expect(catalogueDrift([FEED_A, FEED_B], [FEED_A, UNKNOWN_FEED])).toEqual({
      added: [UNKNOWN_FEED],
      removed: [FEED_B],
    });
  });
});
