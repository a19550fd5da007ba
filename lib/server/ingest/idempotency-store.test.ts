import { describe, expect, it } from 'vitest';
import { IdempotencyStore } from './idempotency-store';

describe('IdempotencyStore', () => {
  it('remembers a key for its TTL, then forgets it', () => {
    let now = 0;
    const store = new IdempotencyStore(600_000, () => now);
    store.remember('a', { fingerprint: 'f', accepted: 3 });
    now = 599_999;
    expect(store.get('a')).toEqual({ fingerprint: 'f', accepted: 3 });
    now = 600_000;
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('forgets only the expired keys, oldest first', () => {
    let now = 0;
    const store = new IdempotencyStore(1000, () => now);
    store.remember('old', { fingerprint: 'f', accepted: 1 });
    now = 500;
    store.remember('new', { fingerprint: 'g', accepted: 2 });
    now = 1200;
    expect([store.get('old'), store.get('new')?.accepted, store.size]).toEqual([undefined, 2, 1]);
  });
});
