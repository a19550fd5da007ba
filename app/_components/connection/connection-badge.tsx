'use client';

import { useId } from 'react';
import { stuckConnectingMessage } from '@/lib/live/connecting-patience';
import { plainReason } from '@/lib/live/plain-reason';
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

/**
 * The connection at a glance: the state badge, the age of the last event, the retry countdown,
 * "Reconnect now", and why (in plain words, on screen). In that order, so a phone's first line
 * reads "Live · last event 1 s ago" and the outage controls take the second.
 *
 * Nothing here moves when an outage starts: every item sits in a slot of fixed width that is
 * there whether or not it has content (tabular figures for the numbers), and the reason line
 * reserves its height. A countdown appearing must not shift the header under the reader's
 * pointer — e2e/accessibility.spec.ts measures it.
 *
 * The badge is a polite live region with an accessible name, not a tab stop: it does nothing
 * when activated, and only things that do something belong in the keyboard's path.
 */
export function ConnectionBadge() {
  const live = useLive();
  const reasonId = useId();
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
    <div data-testid="connection-panel" className="flex w-full flex-col gap-1 text-sm sm:w-[36rem]">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="inline-flex h-8 w-36 shrink-0 items-center">
          <span
            data-testid="connection-state"
            data-state={state}
            role="status"
            aria-live="polite"
            aria-atomic="true"
            aria-label={`Connection: ${look.label}`}
            aria-describedby={reasonId}
            title={reason}
            data-reason={reason}
            data-role={role}
            data-sharing={sharingMode}
            className={`inline-flex items-center gap-2 rounded-full bg-white px-3 py-1 font-medium ring-4 dark:bg-slate-900 ${look.ring}`}
          >
            <span
              aria-hidden="true"
              className={`h-2.5 w-2.5 rounded-full ${look.dot} ${state === 'live' ? 'animate-pulse' : ''}`}
            />
            <span>{look.label}</span>
          </span>
        </span>
        <span
          data-testid="last-event-age"
          className="inline-flex h-8 w-40 shrink-0 items-center whitespace-nowrap text-slate-600 tabular-nums dark:text-slate-300"
        >
          {lastEventAt !== null && now !== null ? `last event ${ago(now - lastEventAt)}` : ''}
        </span>
        <span className="inline-flex h-8 w-32 shrink-0 items-center whitespace-nowrap tabular-nums">
          {retryIn !== null && (state === 'reconnecting' || state === 'stale') && (
            <span data-testid="retry-countdown" className="text-slate-600 dark:text-slate-300">
              retrying in {retryIn} s
            </span>
          )}
        </span>
        <span className="inline-flex h-8 w-28 shrink-0 items-center">
          {(CAN_RECONNECT.has(state) || stuck) && (
            <button
              type="button"
              onClick={() => live.reconnectNow()}
              className="rounded-md bg-slate-900 px-2.5 py-1 text-xs font-medium whitespace-nowrap text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
            >
              Reconnect now
            </button>
          )}
        </span>
      </div>
      {/* Two lines reserved on a phone, one on a wider screen: a longer reason must not push the page down. */}
      <p
        id={reasonId}
        data-testid="connection-reason"
        className="min-h-10 text-slate-700 sm:min-h-5 dark:text-slate-300"
      >
        {stuck ? (
          <span data-testid="connecting-stuck">{stuck}</span>
        ) : (
          <>
            {plainReason(state, reason)}
            {state === 'failed' && error && (
              <>
                {': '}
                <span data-testid="connection-error" className="text-rose-700 dark:text-rose-300">
                  {error}
                </span>
              </>
            )}
          </>
        )}
      </p>
    </div>
  );
}
