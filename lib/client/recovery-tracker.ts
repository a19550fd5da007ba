import type { WireReset } from '@/lib/sse/payloads';
import type { Recovery } from './stream-source';

/**
 * Recovery bookkeeping: when the stream was lost, and what the stream that came back said
 * (events replayed, or a reset). When live data flows again it yields the `Recovery` the
 * toast reports. Knows no timers and no network: the connection manager tells it what happened.
 */

export class RecoveryTracker {
  private outageStartedAt: number | null = null;
  private replayed = 0;
  private reset: WireReset | null = null;

  /** Whether an outage is open (the next attempt is a *re*connect). */
  get inOutage(): boolean {
    return this.outageStartedAt !== null;
  }

  /** The stream was lost or given up on; the first call of an outage sets its start. */
  streamLost(now: number): void {
    this.outageStartedAt ??= now;
  }

  /** A new request starts: what an earlier attempt said no longer counts. */
  attemptStarted(): void {
    this.replayed = 0;
    this.reset = null;
  }

  helloReceived(replayed: number): void {
    this.replayed = replayed;
  }

  resetReceived(reset: WireReset): void {
    this.reset = reset;
  }

  /** Live data flows: the recovery to report if this ends an outage, else null. */
  wentLive(now: number): Recovery | null {
    const recovery =
      this.outageStartedAt === null
        ? null
        : { outageMs: now - this.outageStartedAt, replayed: this.replayed, reset: this.reset };
    this.outageStartedAt = null;
    this.reset = null;
    return recovery;
  }
}
