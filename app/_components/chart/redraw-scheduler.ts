/**
 * When a chart redraws. Data can arrive many times a second and a clock ticks every second, but
 * drawing more often than the screen changes shows nothing new, so requests are coalesced: at
 * most one draw per animation frame, and at most one per plotted pixel of time (a 5 min range on
 * 400 px moves 1 px per 750 ms), yet at least one per `CLOCK_MS` so the axis keeps moving.
 * While the page is hidden nothing is drawn at all: the chart's owner schedules one draw when it
 * is shown again (draw-chart.ts).
 * Framework-free, with the browser's clock and timers injected: redraw-scheduler.test.ts drives it.
 */

/** Fewest ms between redraws (one frame at 60 Hz) and most (the chart's 1 s clock). */
export const MIN_REDRAW_MS = 16;
export const CLOCK_MS = 1000;

export interface RedrawSchedulerOptions {
  draw(): void;
  /** Time per plotted pixel, ms (the range over the plot's width). */
  msPerPixel(): number;
  /** Whether the view is frozen (paused): then nothing is scheduled. */
  frozen(): boolean;
  /** Whether the page is hidden: then nothing is scheduled or drawn. */
  hidden(): boolean;
  /** Default `performance.now`, `setTimeout`, `requestAnimationFrame` and their cancels. */
  env?: RedrawEnv;
}

export interface RedrawEnv {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  requestFrame(callback: () => void): unknown;
  cancelFrame(handle: unknown): void;
}

export interface RedrawScheduler {
  /** Asks for a redraw; it comes at the next frame once the pixel-of-time wait is over. */
  schedule: () => void;
  /** Draws at once (a reader's choice shows at once), cancelling what was scheduled. */
  drawNow(): void;
  /** Cancels what was scheduled (the chart is going away). */
  cancel(): void;
}

export function browserRedrawEnv(): RedrawEnv {
  return {
    now: () => performance.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    requestFrame: (callback) => requestAnimationFrame(callback),
    cancelFrame: (handle) => cancelAnimationFrame(handle as number),
  };
}

export function createRedrawScheduler(options: RedrawSchedulerOptions): RedrawScheduler {
  const env = options.env ?? browserRedrawEnv();
  let lastDraw = 0;
  let timer: unknown = null;
  let frame: unknown = null;

  const draw = () => {
    lastDraw = env.now();
    options.draw();
  };
  const cancel = () => {
    if (timer !== null) env.clearTimeout(timer);
    if (frame !== null) env.cancelFrame(frame);
    timer = frame = null;
  };

  return {
    schedule() {
      if (timer !== null || frame !== null || options.frozen() || options.hidden()) return;
      const interval = Math.min(CLOCK_MS, Math.max(MIN_REDRAW_MS, options.msPerPixel()));
      const wait = Math.max(0, lastDraw + interval - env.now());
      timer = env.setTimeout(() => {
        timer = null;
        frame = env.requestFrame(() => {
          frame = null;
          // Hidden since it was scheduled (a real hidden page runs no frames; an emulated one may).
          if (!options.hidden()) draw();
        });
      }, wait);
    },
    drawNow() {
      cancel();
      // Hidden (a chart mounting in a background tab, a view change): shown, it is scheduled.
      if (!options.hidden()) draw();
    },
    cancel,
  };
}
