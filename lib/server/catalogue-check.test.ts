import { describe, expect, it } from 'vitest';
import { catalogueDrift } from './catalogue-check';

describe('catalogue drift', () => {
  it('is null when the page and the producer agree (order does not matter)', () => {
    expect(catalogueDrift(['cpu', 'memory'], ['memory', 'cpu'])).toBeNull();
  });

  it('names feeds added to and removed from the catalogue since the producer started', () => {
    expect(catalogueDrift(['cpu', 'memory'], ['cpu', 'disk'])).toEqual({ added: ['disk'], removed: ['memory'] });
  });
});
