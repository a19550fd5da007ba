import type { WireReset } from '@/lib/sse/payloads';
import type { Recovery } from './stream-source';

/**
 * Recovery bookkeeping: when the stream was lost, and what the stream that came back said
 * (events replayed, or a reset). It yields the `Recovery` the toast reports once the recovery is
 * complete: at once when nothing is replayed (or after a reset, at the first live event), else
 * after the last replayed event was handed on, so whoever measures the data the outage held back
 * (lib/live/binding.ts) finds all of it applied. Knows no timers and no network: the connection
 * manager tells it what happened.
 */

export class RecoveryTracker {
  private outageStartedAt: number | null = null;
  private replayed = 0;
  private reset: WireReset | null = null;
  /** Live again, waiting for `replayLeft` more replayed events before reporting `held`. */
  private held: Recovery | null = null;
  private replayLeft = 0;

  /** Whether an outage is open (the next attempt is a *re*connect); until its replay is delivered too. */
  get inOutage(): boolean {
    return this.outageStartedAt !== null;
  }

  /** The stream was lost or given up on; the first call of an outage sets its start. */
  streamLost(now: number): void {
    // Lost in the middle of a replay: the same outage goes on, and the next stream reports it.
    this.held = null;
    this.outageStartedAt ??= now;
  }

  /** A new request starts: what an earlier attempt said no longer counts. */
  attemptStarted(): void {
    this.replayed = 0;
    this.reset = null;
    this.held = null;
  }

  helloReceived(replayed: number): void {
    this.replayed = replayed;
  }

  resetReceived(reset: WireReset): void {
    this.reset = reset;
  }

  /** Live data flows: the recovery to report now, or null (no outage, or its replay still to come). */
  wentLive(now: number): Recovery | null {
    if (this.outageStartedAt === null) return null;
    const recovery = { outageMs: now - this.outageStartedAt, replayed: this.replayed, reset: this.reset };
    this.reset = null;
    if (recovery.reset || recovery.replayed === 0) return this.done(recovery);
    this.held = recovery;
    this.replayLeft = recovery.replayed;
    return null;
  }

  /**
   * One metric event was handed on (or dropped as malformed: it still was one of the replay).
   * Returns the held recovery after the last replayed one.
   */
  metricDelivered(): Recovery | null {
    if (this.held === null) return null;
    this.replayLeft -= 1;
    return this.replayLeft > 0 ? null : this.done(this.held);
  }

  private done(recovery: Recovery): Recovery {
    this.outageStartedAt = null;
    this.held = null;
    return recovery;
  }
}
