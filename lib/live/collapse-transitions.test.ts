import { describe, expect, it } from 'vitest';
import { collapseTransitions } from './collapse-transitions';

describe('collapseTransitions', () => {
  it('folds consecutive repeats into one run with a count and the newest reason', () => {
    const runs = collapseTransitions([
      { from: 'connecting', to: 'live', reason: 'stream open', at: 1 },
      { from: 'live', to: 'reconnecting', reason: 'network error: Failed to fetch', at: 2 },
      { from: 'reconnecting', to: 'reconnecting', reason: 'retry after 1000 ms', at: 3 },
      { from: 'reconnecting', to: 'reconnecting', reason: 'HTTP 503: busy', at: 4 },
      { from: 'reconnecting', to: 'reconnecting', reason: 'retry after 2000 ms', at: 5 },
      { from: 'reconnecting', to: 'live', reason: 'resumed, 3 event(s) replayed', at: 6 },
    ]);
    expect(runs.map((r) => [r.from, r.to, r.count])).toEqual([
      ['connecting', 'live', 1],
      ['live', 'reconnecting', 1],
      ['reconnecting', 'reconnecting', 3],
      ['reconnecting', 'live', 1],
    ]);
    expect(runs[2]).toMatchObject({ firstAt: 3, lastAt: 5, reason: 'retry after 2000 ms' });
  });

  it('keeps non-adjacent repeats apart, and an empty log empty', () => {
    const again = collapseTransitions([
      { from: 'live', to: 'stale', reason: 'a', at: 1 },
      { from: 'stale', to: 'live', reason: 'b', at: 2 },
      { from: 'live', to: 'stale', reason: 'c', at: 3 },
    ]);
    expect(again).toHaveLength(3);
    expect(collapseTransitions([])).toEqual([]);
  });
});
