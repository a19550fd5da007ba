import type { ReconnectIntent } from './stream-source';

/**
 * What the connection manager tells the world about itself: the state it is in, why, and what
 * it waits for. Plain data, so it can be rendered, logged, or sent to another tab as is.
 *
 *   connecting ──hello──▶ live ──end/error──▶ reconnecting ──timer──▶ (attempt) ──hello──▶ live
 *        │                 │  └─silent (a few missed ticks, or 2.5×heartbeat)─▶ stale ──timer──▶ (attempt)
 *        │                 └─reset─▶ resyncing ──first live metric──▶ live
 *        └─4xx─▶ failed           any waiting state ──offline──▶ offline ──online──▶ (attempt)
 *
 * Planned ends are not transitions: after `event: rotate` the manager reconnects from `live` and
 * stays `live`; after `event: auth` it renews the session first (planned-end.ts,
 * session-renewal.ts). A session that cannot be renewed ends in `failed` with `failure: 'auth'`.
 */

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'stale' | 'offline' | 'resyncing' | 'failed';

/** States in which no stream is open: the page shows stale data and offers "Reconnect now". */
export const OUTAGE_STATES: ReadonlySet<ConnectionState> = new Set(['reconnecting', 'stale', 'offline', 'failed']);

export interface Transition {
  from: ConnectionState;
  to: ConnectionState;
  reason: string;
  at: number;
}

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the current state was entered, in words a person can read. */
  reason: string;
  /** When the current state was entered (env.now()). */
  since: number;
  /** Reconnection attempts since the last healthy stream. */
  attempt: number;
  /** When the scheduled reconnect fires, or null if none is scheduled. */
  retryAt: number | null;
  epoch: string | null;
  heartbeatMs: number | null;
  /** Set in `failed`: what the server (or the failing code) said. */
  error: string | null;
  /** Set in `failed`: `auth` when the session cannot be renewed, so the page asks to sign in. */
  failure: 'auth' | null;
  /** Planned rotations (`event: rotate`) the stream went through without leaving `live`. */
  rotations: number;
}

export function initialStatus(now: number): ConnectionStatus {
  return {
    state: 'connecting',
    reason: 'starting',
    since: now,
    attempt: 0,
    retryAt: null,
    epoch: null,
    heartbeatMs: null,
    error: null,
    failure: null,
    rotations: 0,
  };
}

/**
 * The reason a reconnect asked for by the consumer records (the transition log, `data-reason`).
 * Words for people and logs: e2e specs read the user's, plain-reason.ts rewords both.
 */
export function reconnectReason(intent: ReconnectIntent): string {
  switch (intent.kind) {
    case 'user':
      return 'reconnect requested by the user';
    case 'gap':
      return `gap in ${intent.feed}: resuming to fill it`;
  }
}
