'use client';

import { stuckConnectingMessage } from '@/lib/live/connecting-patience';
import type { ConnectionState } from '@/lib/live/status-store';
import { useLive, useLiveStatus, useMetrics } from '@/lib/live/react';
import { useNow } from '@/lib/live/use-now';

/** What each state looks like. The label is announced; colour is never the only signal. */
const LOOK: Record<ConnectionState, { label: string; dot: string; ring: string }> = {
  connecting: { label: 'Connecting', dot: 'bg-sky-500', ring: 'ring-sky-500/30' },
  live: { label: 'Live', dot: 'bg-emerald-500', ring: 'ring-emerald-500/30' },
  reconnecting: { label: 'Reconnecting', dot: 'bg-amber-500', ring: 'ring-amber-500/30' },
  stale: { label: 'Stalled', dot: 'bg-orange-500', ring: 'ring-orange-500/30' },
  offline: { label: 'Offline', dot: 'bg-slate-400', ring: 'ring-slate-400/30' },
  resyncing: { label: 'Resyncing', dot: 'bg-sky-500', ring: 'ring-sky-500/30' },
  failed: { label: 'Failed', dot: 'bg-rose-600', ring: 'ring-rose-600/30' },
};

const CAN_RECONNECT = new Set<ConnectionState>(['reconnecting', 'stale', 'offline', 'failed']);

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s ago` : `${Math.floor(s / 60)} min ago`;
}

export function ConnectionBadge() {
  const live = useLive();
  const state = useLiveStatus((s) => s.connection.state);
  const reason = useLiveStatus((s) => s.connection.reason);
  const retryAt = useLiveStatus((s) => s.connection.retryAt);
  const error = useLiveStatus((s) => s.connection.error);
  const since = useLiveStatus((s) => s.connection.since);
  const role = useLiveStatus((s) => s.sharing.role);
  const sharingMode = useLiveStatus((s) => s.sharing.mode);
  const lastEventAt = useMetrics((s) => s.lastEventAt);
  const now = useNow();
  const look = LOOK[state];
  const stuck = now !== null ? stuckConnectingMessage(state, since, role, now) : null;
  const retryIn = retryAt !== null && now !== null ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : null;

  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <div
        data-testid="connection-state"
        data-state={state}
        role="status"
        aria-live="polite"
        aria-atomic="true"
        tabIndex={0}
        aria-label={`Connection: ${look.label}`}
        title={reason}
        data-reason={reason}
        data-role={role}
        data-sharing={sharingMode}
        className={`inline-flex items-center gap-2 rounded-full bg-white px-3 py-1 font-medium ring-4 focus:outline-none focus-visible:ring-sky-500 dark:bg-slate-900 ${look.ring}`}
      >
        <span
          aria-hidden="true"
          className={`h-2.5 w-2.5 rounded-full ${look.dot} ${state === 'live' ? 'animate-pulse' : ''}`}
        />
        <span>{look.label}</span>
      </div>
      {retryIn !== null && (state === 'reconnecting' || state === 'stale') && (
        <span data-testid="retry-countdown" className="text-slate-600 dark:text-slate-400">
          retrying in {retryIn} s
        </span>
      )}
      {state === 'failed' && error && (
        <span data-testid="connection-error" className="text-rose-700 dark:text-rose-400">
          {error}
        </span>
      )}
      {stuck && (
        <span data-testid="connecting-stuck" className="text-slate-600 dark:text-slate-400">
          {stuck}
        </span>
      )}
      {(CAN_RECONNECT.has(state) || stuck) && (
        <button
          type="button"
          onClick={() => live.reconnectNow()}
          className="rounded-md bg-slate-900 px-2.5 py-1 text-xs font-medium text-white hover:bg-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
        >
          Reconnect now
        </button>
      )}
      <span data-testid="last-event-age" className="text-slate-500 tabular-nums dark:text-slate-400">
        {lastEventAt !== null && now !== null ? `last event ${ago(now - lastEventAt)}` : ''}
      </span>
    </div>
  );
}
