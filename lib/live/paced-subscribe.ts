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

/** Wraps `subscribe` so each listener is told at most once per `everyMs` (default `DISPLAY_EVERY_MS`). */
export function pacedSubscribe(subscribe: Subscribe, everyMs = DISPLAY_EVERY_MS, clock = browserClock): Subscribe {
  return (listener) => {
    let timer: unknown = null;
    let last = -Infinity;
    const unsubscribe = subscribe(() => {
      if (timer !== null) return;
      timer = clock.setTimeout(
        () => {
          timer = null;
          last = clock.now();
          listener();
        },
        Math.max(0, last + everyMs - clock.now()),
      );
    });
    return () => {
      unsubscribe();
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    };
  };
}
