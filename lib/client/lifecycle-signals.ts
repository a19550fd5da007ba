/**
 * The browser's "your page stopped running for a while" signals, as three plain events a stream
 * owner can act on. The one listener of the page's lifecycle: the shared source
 * (sharing/shared-source.ts) acts on these signals for the tab sharing and the tab's own stream.
 * Framework-free; every browser API is injected (`LifecycleEnv`), so lifecycle-signals.test.ts
 * drives it with fakes.
 *
 *   suspend  freeze, pagehide          the page is about to stop running (frozen, put in the
 *                                      back/forward cache, or unloaded): stop the stream now,
 *                                      so the server frees the slot and the page stays eligible
 *                                      for the back/forward cache
 *   wake     resume, pageshow          it runs again: start again (from the cursor)
 *            (persisted)
 *   check    visible after a long      it may have been asleep while the stream looked open:
 *            hidden period; a timer    check the stream at once instead of waiting for the stall
 *            that fired far too late   watchdog (2.5 × heartbeat, itself a timer that slept)
 *
 * Sleep has no event of its own. It shows as time that passed without any timer firing: one
 * cheap timer re-armed every `tickMs` notices when it fires `sleepAfterMs` later than it was due.
 * A hidden tab's timers are throttled by the browser (Chrome aligns them to one minute after five
 * minutes hidden), so while hidden the bar is `hiddenSleepAfterMs`, above that throttling.
 */

export type SuspendCause = 'freeze' | 'pagehide';
export type WakeCause = 'resume' | 'pageshow';
export type CheckCause = 'long-hidden' | 'sleep';

export type LifecycleSignal =
  | { kind: 'suspend'; cause: SuspendCause; /** pagehide: kept in the back/forward cache. */ persisted: boolean }
  | { kind: 'wake'; cause: WakeCause }
  | {
      kind: 'check';
      cause: CheckCause;
      /** For the logs and the transition reason, e.g. "woke from sleep (timer 61.2 s late)". */
      reason: string;
      /**
       * Nothing can have arrived between this moment and now while the page slept: a stream byte
       * received after it proves the stream alive. Null when there is no such moment (a hidden
       * page kept running; only the stream's own heartbeat can tell).
       */
      asleepSince: number | null;
    };

type Listenable = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/** What the signals need from the browser. `browserLifecycleEnv()` is the real one. */
export interface LifecycleEnv {
  window: Listenable;
  document: Listenable;
  hidden(): boolean;
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LifecycleSignalOptions {
  /** How often the sleep detector's timer fires. Default 5000 ms (one timer, nothing else). */
  tickMs?: number;
  /**
   * A visible page's timer this late means the machine slept. Default 30000 ms: a real sleep
   * lasts minutes, while a page starved by a busy machine can run timers seconds late, and a
   * false alarm costs a needless reconnect.
   */
  sleepAfterMs?: number;
  /** The same while hidden, above the browser's throttling of hidden timers. Default 90000 ms. */
  hiddenSleepAfterMs?: number;
  /** Hidden at least this long, a page that becomes visible checks its stream. Default 60000 ms. */
  longHiddenMs?: number;
}

/** The real browser: window, document, Date.now and window timers. */
export function browserLifecycleEnv(): LifecycleEnv {
  return {
    window,
    document,
    hidden: () => document.visibilityState === 'hidden',
    now: () => Date.now(),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  };
}

interface PageTransition {
  persisted?: boolean;
}

/** Starts watching; `onSignal` gets every signal. Returns the unsubscribe (which clears the timer). */
export function watchLifecycleSignals(
  env: LifecycleEnv,
  onSignal: (signal: LifecycleSignal) => void,
  options: LifecycleSignalOptions = {},
): () => void {
  const tickMs = options.tickMs ?? 5000;
  const sleepAfterMs = options.sleepAfterMs ?? 30_000;
  const hiddenSleepAfterMs = options.hiddenSleepAfterMs ?? 90_000;
  const longHiddenMs = options.longHiddenMs ?? 60_000;

  let timer: unknown = null;
  let dueAt = 0;
  let hiddenSince: number | null = env.hidden() ? env.now() : null;
  let suspended = false;

  const arm = () => {
    disarm();
    dueAt = env.now() + tickMs;
    timer = env.setTimeout(onTick, tickMs);
  };
  const disarm = () => {
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
  };
  function onTick() {
    timer = null;
    const lateMs = env.now() - dueAt;
    const bar = env.hidden() ? hiddenSleepAfterMs : sleepAfterMs;
    const asleepSince = dueAt;
    arm();
    if (lateMs >= bar) {
      onSignal({
        kind: 'check',
        cause: 'sleep',
        reason: `woke from sleep (timer ${(lateMs / 1000).toFixed(1)} s late)`,
        asleepSince,
      });
    }
  }

  const suspend = (cause: SuspendCause, persisted: boolean) => {
    // A frozen or cached page runs no timer; the one it finds late on return is not a sleep.
    disarm();
    suspended = true;
    onSignal({ kind: 'suspend', cause, persisted });
  };
  const wake = (cause: WakeCause) => {
    if (!suspended) return;
    suspended = false;
    arm();
    onSignal({ kind: 'wake', cause });
  };

  const onPageHide = (event: Event) => suspend('pagehide', (event as PageTransition).persisted === true);
  const onPageShow = (event: Event) => (event as PageTransition).persisted === true && wake('pageshow');
  const onFreeze = () => suspend('freeze', false);
  const onResume = () => wake('resume');
  const onVisibility = () => {
    if (env.hidden()) {
      hiddenSince ??= env.now();
      return;
    }
    const hiddenMs = hiddenSince === null ? 0 : env.now() - hiddenSince;
    hiddenSince = null;
    if (suspended || hiddenMs < longHiddenMs) return;
    onSignal({
      kind: 'check',
      cause: 'long-hidden',
      reason: `visible again after ${(hiddenMs / 1000).toFixed(0)} s hidden`,
      asleepSince: null,
    });
  };

  env.window.addEventListener('pagehide', onPageHide);
  env.window.addEventListener('pageshow', onPageShow);
  env.document.addEventListener('freeze', onFreeze);
  env.document.addEventListener('resume', onResume);
  env.document.addEventListener('visibilitychange', onVisibility);
  arm();
  return () => {
    disarm();
    env.window.removeEventListener('pagehide', onPageHide);
    env.window.removeEventListener('pageshow', onPageShow);
    env.document.removeEventListener('freeze', onFreeze);
    env.document.removeEventListener('resume', onResume);
    env.document.removeEventListener('visibilitychange', onVisibility);
  };
}
