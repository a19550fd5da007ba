import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pacedSubscribe } from './paced-subscribe';

/** A tiny store: `change()` tells every subscriber. */
function source() {
  const listeners = new Set<() => void>();
  return {
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change: () => listeners.forEach((l) => l()),
    get size() {
      return listeners.size;
    },
  };
}

describe('pacedSubscribe', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('tells the first change at once (next task) and then at most once per interval, the last change included', () => {
    const store = source();
    const heard: number[] = [];
    pacedSubscribe(store.subscribe, 250)(() => heard.push(Date.now() - 1_000_000));
    store.change();
    vi.advanceTimersByTime(0);
    expect(heard).toEqual([0]);
    for (let i = 0; i < 20; i += 1) {
      vi.advanceTimersByTime(10);
      store.change(); // 20 changes in 200 ms
    }
    vi.advanceTimersByTime(49);
    expect(heard).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(heard).toEqual([0, 250]);
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual([0, 250]); // nothing changed since
  });

  it('unsubscribing cancels a pending notification and leaves the store', () => {
    const store = source();
    let heard = 0;
    const unsubscribe = pacedSubscribe(store.subscribe, 250)(() => (heard += 1));
    store.change();
    unsubscribe();
    vi.advanceTimersByTime(1000);
    expect(heard).toBe(0);
    expect(store.size).toBe(0);
  });
});

describe('pacedSubscribe, several listeners', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('tells every listener in the same task, whenever each subscribed, with one store subscription', () => {
    const store = source();
    const subscribe = pacedSubscribe(store.subscribe, 250);
    const heard: string[] = [];
    subscribe(() => heard.push(`a@${Date.now() - 1_000_000}`));
    store.change();
    vi.advanceTimersByTime(100);
    const unsubscribeB = subscribe(() => heard.push(`b@${Date.now() - 1_000_000}`));
    store.change();
    vi.advanceTimersByTime(150);
    expect(heard).toEqual(['a@0', 'a@250', 'b@250']);
    expect(store.size).toBe(1);
    unsubscribeB();
    expect(store.size).toBe(1);
  });
});
