import type { Incoming } from './metrics-state';

/**
 * Buffers incoming events and commits them at paced animation frames (at most ten a second): a
 * replay burst of 600 events becomes one store update and one chart redraw, not 600 React renders.
 */

export type ScheduleFrame = (callback: () => void) => void;

export interface FrameBuffer {
  push(item: Incoming): void;
  /** Commits now whatever is buffered (before reading the resume cursor, or a reset). */
  flush(): void;
  readonly size: number;
}

/**
 * Fewest ms between two commits. A commit re-renders what reads the store and starts a frame's
 * style, layout and paint: at every frame (60 a second) that was most of a busy tab's main
 * thread at ~2,000 events/s, for numbers nobody can read at that rate. Ten a second still looks
 * immediate, and a chart moves by whole pixels far less often (redraw-scheduler.ts).
 */
export const COMMIT_EVERY_MS = 100;

export interface FrameClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  /** Absent where there is none (a server, a worker): the timer alone then schedules. */
  requestAnimationFrame?: ((callback: () => void) => unknown) | undefined;
}

const browserClock = (): FrameClock => ({
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  requestAnimationFrame:
    typeof requestAnimationFrame === 'function' ? (callback) => requestAnimationFrame(callback) : undefined,
});

/**
 * A `ScheduleFrame` that runs its callback at the first animation frame at least `everyMs`
 * after its previous run (default `COMMIT_EVERY_MS`). rAF never fires in a background tab, so a
 * timer 250 ms later runs it too (whichever comes first, once): the store and the resume cursor
 * stay current there.
 */
export function pacedFrames(everyMs = COMMIT_EVERY_MS, clock: FrameClock = browserClock()): ScheduleFrame {
  let last = -Infinity;
  return (callback) => {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      last = clock.now();
      callback();
    };
    const wait = Math.max(0, last + everyMs - clock.now());
    const frame = clock.requestAnimationFrame;
    if (!frame) {
      clock.setTimeout(run, Math.max(wait, 16));
      return;
    }
    const atFrame = () => frame(run);
    if (wait === 0) atFrame();
    else clock.setTimeout(atFrame, wait);
    clock.setTimeout(run, wait + 250);
  };
}

/** The default schedule: paced animation frames, one pacing per page. */
export const animationFrame: ScheduleFrame = (callback) => defaultFrames()(callback);
let shared: ScheduleFrame | null = null;
const defaultFrames = () => (shared ??= pacedFrames());

export function createFrameBuffer(
  commit: (items: Incoming[]) => void,
  schedule: ScheduleFrame = animationFrame,
): FrameBuffer {
  let queue: Incoming[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    commit(items);
  };

  return {
    push(item) {
      queue.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    get size() {
      return queue.length;
    },
  };
}
