import type { Recovery } from '@/lib/client/stream-source';
import type { ResetOutcome } from '@/lib/store/metrics-state';

/**
 * The words of the recovery toast (docs/dom-contract.md lists them; e2e specs read them). They
 * say what happened for a person reading the dashboard — "Reconnected — 22 s of missed data
 * filled in" — not what the protocol did (replay, reset, epoch): the stream inspector has those.
 */

/** One decimal under 10 s (a short blip reads "1.2 s", not "1 s"), whole seconds above. */
export function formatDuration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Below this a reset's loss is rounding, not data anyone would miss. */
const LOST_THRESHOLD_MS = 100;

/**
 * After a reconnect that resumed: how much data the outage held back, all filled in, and how many
 * events that took. After a reset (the server could not resume from our cursor): why, and how
 * much could not be recovered. `reset` is what the store measured when it applied the reset (null
 * without one); `filledMs` the longest stretch of one feed's data the replay filled in, from its
 * last point before the outage to the last point replayed (lib/live/outages.ts): at a steady
 * rate, the events replayed per feed times its interval, so the two numbers agree. Not the time
 * the connection was down: a silent link is noticed seconds after its data stopped.
 */
export function recoveryMessage(recovery: Recovery, reset: ResetOutcome | null, filledMs: number): string {
  if (recovery.reset) {
    const reason = reset?.reason ?? recovery.reset.reason;
    const lost = reset?.lostMs ?? 0;
    // epoch_changed: a new server (restart, deploy) with a new history; the others: our place
    // in the history is gone (too old, or not a cursor this server knows).
    const what = reason === 'epoch_changed' ? 'Server restarted' : 'Reconnected';
    if (lost >= LOST_THRESHOLD_MS) return `${what} — ${formatDuration(lost)} of data could not be recovered`;
    return `${what} — caught up from a snapshot, no data lost`;
  }
  if (recovery.replayed === 0) return 'Reconnected — no data was missed';
  const events = `${recovery.replayed} event${recovery.replayed === 1 ? '' : 's'}`;
  // No stretch measured (this tab had no data before the outage): the count alone is still true.
  if (filledMs <= 0) return `Reconnected — missed data filled in (${events})`;
  return `Reconnected — ${formatDuration(filledMs)} of missed data filled in (${events})`;
}
