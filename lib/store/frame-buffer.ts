import type { Incoming } from './metrics-state';

/**
 * Buffers incoming events and commits them once per animation frame: a replay burst of 600
 * events becomes one store update and one chart redraw, not 600 React renders.
 */

export type ScheduleFrame = (callback: () => void) => void;

export interface FrameBuffer {
  push(item: Incoming): void;
  /** Commits now whatever is buffered (before reading the resume cursor, or a reset). */
  flush(): void;
  readonly size: number;
}

/** `requestAnimationFrame` where there is one (hidden tabs pause it, so use a timer fallback too). */
export const animationFrame: ScheduleFrame = (callback) => {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(callback, 16);
    return;
  }
  // rAF never fires in a background tab; the timeout keeps the store (and cursor) current there.
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    callback();
  };
  requestAnimationFrame(run);
  setTimeout(run, 250);
};

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
