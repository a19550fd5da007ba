/**
 * A store subscription for the eye: the listener hears of changes at most once per `everyMs`
 * (trailing, so the last change is never missed). The store commits up to ten times a second
 * (lib/store/frame-buffer.ts); a card's number re-rendered at that rate costs style, layout and
 * paint for digits nobody can read. Connection state is not paced (lib/live/react.ts): it must
 * show at once.
 */

/** Fewest ms between two notifications of a display subscription. */
export const DISPLAY_EVERY_MS = 250;

export interface PaceClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserClock: PaceClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

type Subscribe = (listener: () => void) => () => void;

/**
 * Wraps `subscribe` so its listeners are told at most once per `everyMs` (default
 * `DISPLAY_EVERY_MS`), all of them in the same task: components that read the same store then
 * render from the same commit, and the page never shows two states at once. One subscription to
 * the store while anyone listens.
 */
export function pacedSubscribe(
  subscribe: Subscribe,
  everyMs = DISPLAY_EVERY_MS,
  clock = browserClock,
  /** Runs just before the listeners are told (a view takes its picture of the state). */
  beforeNotify: () => void = () => {},
): Subscribe {
  const listeners = new Set<() => void>();
  let unsubscribe: (() => void) | null = null;
  let timer: unknown = null;
  let last = -Infinity;

  const notify = () => {
    timer = null;
    last = clock.now();
    beforeNotify();
    [...listeners].forEach((listener) => listener());
  };
  const changed = () => {
    if (timer === null) timer = clock.setTimeout(notify, Math.max(0, last + everyMs - clock.now()));
  };

  return (listener) => {
    listeners.add(listener);
    unsubscribe ??= subscribe(changed);
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || !unsubscribe) return;
      unsubscribe();
      unsubscribe = null;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    };
  };
}

/** A store as the eye sees it: the state as of the last paced notification. */
export interface PacedView<S> {
  /**
   * The state every component renders from, whatever made it render: one that re-renders for
   * another reason (a clock, a status change) must not show a newer commit than its neighbours.
   */
  getState: () => S;
  subscribe: Subscribe;
}

/** Wraps a store (zustand's `StoreApi` fits) in a paced view (default `DISPLAY_EVERY_MS`). */
export function pacedView<S>(
  store: { getState: () => S; subscribe: Subscribe },
  everyMs = DISPLAY_EVERY_MS,
  clock = browserClock,
): PacedView<S> {
  let shown = store.getState();
  let listening = 0;
  const paced = pacedSubscribe(store.subscribe, everyMs, clock, () => (shown = store.getState()));
  return {
    getState: () => shown,
    subscribe(listener) {
      // Nobody was watching: the picture may be old, and nobody has seen it yet.
      if (listening === 0) shown = store.getState();
      listening += 1;
      const unsubscribe = paced(listener);
      return () => {
        listening -= 1;
        unsubscribe();
      };
    },
  };
}
