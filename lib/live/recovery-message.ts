import type { Recovery } from '@/lib/client/recovery-tracker';
import type { ResetOutcome } from '@/lib/store/metrics-state';

/** The words of the recovery toast (docs/dom-contract.md lists them; e2e specs read them). */

export function formatDuration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * "Back live: recovered 37 events after a 4.2 s outage", or after a reset what could not be
 * recovered. `reset` is what the store measured when it applied the reset (null without one).
 */
export function recoveryMessage(recovery: Recovery, reset: ResetOutcome | null): string {
  if (recovery.reset) {
    const lost = reset?.lostMs ?? 0;
    return lost >= 100
      ? `Resynced: ${formatDuration(lost)} of data could not be recovered`
      : 'Resynced from a snapshot: no data lost';
  }
  const events = `${recovery.replayed} event${recovery.replayed === 1 ? '' : 's'}`;
  return `Back live: recovered ${events} after a ${formatDuration(recovery.outageMs)} outage`;
}
