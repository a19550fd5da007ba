import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pacedSubscribe, pacedView } from './paced-subscribe';

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

describe('pacedView', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  /** A store with a number as its state. */
  function counterStore() {
    const inner = source();
    let state = 0;
    return {
      getState: () => state,
      subscribe: inner.subscribe,
      set(value: number) {
        state = value;
        inner.change();
      },
    };
  }

  it('shows the state of the last notification to every reader, until the next one', () => {
    const store = counterStore();
    const view = pacedView(store, 250);
    const heard: number[] = [];
    view.subscribe(() => heard.push(view.getState()));
    store.set(1);
    vi.advanceTimersByTime(0);
    expect(heard).toEqual([1]);
    store.set(2);
    store.set(3);
    // A reader that renders for another reason meanwhile sees what the others show, not 3.
    expect(view.getState()).toBe(1);
    vi.advanceTimersByTime(250);
    expect(heard).toEqual([1, 3]);
    expect(view.getState()).toBe(3);
  });

  it('takes a fresh picture when the first reader subscribes', () => {
    const store = counterStore();
    const view = pacedView(store, 250);
    store.set(5);
    const unsubscribe = view.subscribe(() => {});
    expect(view.getState()).toBe(5);
    unsubscribe();
    store.set(6);
    expect(view.getState()).toBe(5);
    view.subscribe(() => {});
    expect(view.getState()).toBe(6);
  });
});
