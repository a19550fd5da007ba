/**
 * A bounded, columnar time window for one feed: `ts[i]`, `values[i]`, oldest first, the shape
 * uPlot draws from without copying. Bounded by age and by count, so memory does not grow with
 * uptime whatever the rate.
 */

export interface SeriesWindowOptions {
  /** Keep points this close to the newest one. Default 300000 ms (5 min). */
  windowMs?: number;
  /** Never keep more than this many points. Default 3000 (5 min at 10 Hz). */
  maxPoints?: number;
}

export class SeriesWindow {
  readonly ts: number[] = [];
  readonly values: number[] = [];
  readonly windowMs: number;
  readonly maxPoints: number;

  constructor(options: SeriesWindowOptions = {}) {
    this.windowMs = options.windowMs ?? 300_000;
    this.maxPoints = options.maxPoints ?? 3000;
  }

  get length(): number {
    return this.ts.length;
  }

  /** Appends a point; call `trim()` once after a batch (trimming per point would be O(n²)). */
  push(ts: number, value: number): void {
    this.ts.push(ts);
    this.values.push(value);
  }

  /**
   * Takes `ts`/`values` as the truth from their first point on. Older points are kept: after a
   * server restart the history before it is still real, and the hole between is the outage.
   */
  replaceFrom(ts: readonly number[], values: readonly number[]): void {
    const first = ts[0];
    if (first === undefined) return;
    let keep = this.ts.length;
    while (keep > 0 && this.ts[keep - 1]! >= first) keep -= 1;
    this.ts.length = keep;
    this.values.length = keep;
    for (let i = 0; i < ts.length; i += 1) this.push(ts[i]!, values[i]!);
    this.trim();
  }

  /** Drops points older than the window or beyond the count cap, oldest first. */
  trim(): void {
    const newest = this.ts[this.ts.length - 1];
    if (newest === undefined) return;
    let drop = Math.max(0, this.ts.length - this.maxPoints);
    const cutoff = newest - this.windowMs;
    while (drop < this.ts.length && this.ts[drop]! < cutoff) drop += 1;
    if (drop > 0) {
      this.ts.splice(0, drop);
      this.values.splice(0, drop);
    }
  }
}
