/**
 * Keeps a burst of the same kind of log line and drops the rest, counting them: so one outage
 * that ends a thousand streams, or fails the same Redis call every second, logs a handful of
 * lines and one "N more like this" summary, not a line per stream or per try.
 *
 * Per key (a kind of line: "stream closed: error", "publish failed"): the first `burst` lines of
 * each `windowMs` pass; later ones are dropped and counted. The count is handed back with the
 * next line of that key that passes, or by `drain()` (which the logger calls on a timer), so no
 * drop goes unreported. Framework-free and clock-injected, so it is unit-tested as is.
 */

export interface RepeatGateOptions {
  /** Lines of one key that pass per window. Default 5. */
  burst?: number;
  /** Window length. Default 10000 ms. */
  windowMs?: number;
  /** Defaults to `Date.now`. */
  now?: () => number;
}

interface KeyState {
  windowStart: number;
  passed: number;
  dropped: number;
}

/** Most keys tracked at once; a key per stream id would be a bug, not a reason to grow without bound. */
const MAX_KEYS = 1000;

export class RepeatGate {
  private readonly burst: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly keys = new Map<string, KeyState>();

  constructor(options: RepeatGateOptions = {}) {
    this.burst = options.burst ?? 5;
    this.windowMs = options.windowMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Whether a line of `key` should be written now: null to drop it, else how many lines of this
   * key were dropped since the last one that passed (to write alongside it).
   */
  pass(key: string): { dropped: number } | null {
    const now = this.now();
    let state = this.keys.get(key);
    if (!state) {
      if (this.keys.size >= MAX_KEYS) this.forgetQuiet(now);
      state = { windowStart: now, passed: 0, dropped: 0 };
      this.keys.set(key, state);
    }
    if (now - state.windowStart >= this.windowMs) {
      state.windowStart = now;
      state.passed = 0;
    }
    if (state.passed >= this.burst) {
      state.dropped += 1;
      return null;
    }
    state.passed += 1;
    const dropped = state.dropped;
    state.dropped = 0;
    return { dropped };
  }

  /** Keys with dropped lines not yet reported, and how many; their counts are reset. */
  drain(): { key: string; dropped: number }[] {
    const out: { key: string; dropped: number }[] = [];
    for (const [key, state] of this.keys) {
      if (state.dropped === 0) continue;
      out.push({ key, dropped: state.dropped });
      state.dropped = 0;
    }
    return out;
  }

  private forgetQuiet(now: number): void {
    for (const [key, state] of this.keys) {
      if (state.dropped === 0 && now - state.windowStart >= this.windowMs) this.keys.delete(key);
    }
    // Still full: the oldest key goes (its unreported drops with it).
    if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
  }
}
