import { AUTH_FAILURE_REASON, CONNECTION_LOST_REASON, UNREACHABLE_REASON } from '@/lib/client/retry-policy';
import type { ConnectionState } from './status-store';

/**
 * The connection's reason in words for a person. The client logs precise, technical reasons
 * (`cannot reach the server: TypeError: Failed to fetch`, `HTTP 503: …`, `no bytes for 3.0 s`):
 * right for the transition log and `data-reason`, wrong for the line people read next to the
 * badge. This maps them to what happened, from the reader's side, and claims no more than the
 * client knows: a request that got no answer "can't reach the server" (a refused connection, a
 * failed lookup and a network without a route look the same to a page), an open stream that
 * broke lost its connection, and only the browser's own offline flag says "offline". Unknown
 * reasons fall back to a sentence per state, never to the raw text: a fork that adds a reason
 * gets a plain line until it adds a case.
 *
 * The reasons stay words (not a typed cause) because words are what crosses to other tabs
 * (docs/tab-sharing.md) and what the transition log shows; their fixed first words are shared
 * constants (retry-policy.ts), and plain-reason.test.ts produces each reason from its real cause
 * through a connection manager before checking the words.
 */

/** What each state means when the reason says nothing more specific. */
const BY_STATE: Record<ConnectionState, string> = {
  connecting: 'Opening the live stream',
  live: 'Receiving live data',
  reconnecting: 'Connection lost, trying again',
  stale: 'No data arriving, the link looks dead',
  offline: 'This device is offline',
  resyncing: 'Catching up from a snapshot',
  failed: 'The server refused the stream',
};

function httpWords(status: number): string {
  if (status === 401) return 'Signed out: sign in again to see live data';
  if (status === 403) return 'Not allowed to read these feeds';
  if (status === 429) return 'Too many open streams from this browser, waiting';
  if (status === 503) return 'Server busy, waiting for a free slot';
  if (status === 408 || status === 504) return 'The server took too long to answer';
  if (status >= 500) return `Server error (HTTP ${status})`;
  return `The server refused the stream (HTTP ${status})`;
}

/** A sentence for the reason `reason` of entering `state`. */
export function plainReason(state: ConnectionState, reason: string): string {
  // Live is live, whether the stream opened fresh, resumed or followed a snapshot: what was
  // caught up on the way is the recovery toast's news, not the badge's.
  if (state === 'live') return BY_STATE.live;
  // `…; browser is offline` is appended by the client when a retry finds the device offline.
  if (reason.endsWith('browser is offline') || reason === 'browser went offline') return BY_STATE.offline;
  if (reason === 'browser is back online') return 'Back online, reconnecting';
  if (reason.startsWith(UNREACHABLE_REASON)) return "Can't reach the server, trying again";
  if (reason.startsWith(CONNECTION_LOST_REASON)) return 'Connection to the server lost, trying again';
  if (reason === AUTH_FAILURE_REASON) return httpWords(401);
  if (reason === 'server ended the stream') return 'The server closed the stream';
  const http = /^HTTP (\d{3})\b/.exec(reason);
  if (http) return httpWords(Number(http[1]));
  if (reason.startsWith('no bytes for '))
    return `No data for ${reason.slice('no bytes for '.length)}, the link looks dead`;
  if (reason.startsWith('protocol error')) return 'The server sent data this page could not read';
  if (reason.startsWith('client error')) return 'This page hit an error while showing the data';
  if (reason === 'reset: epoch_changed') return 'The server restarted: catching up from a snapshot';
  if (reason.startsWith('reset: ') || reason === 'server could not resume from our cursor')
    return 'Missed data is no longer on the server: catching up from a snapshot';
  if (reason.startsWith('reconnect requested')) return 'Reconnecting, as requested';
  if (reason.startsWith('retry after')) return 'Trying to reconnect';
  if (reason.startsWith('gap in ')) return 'Some data went missing, reconnecting to fetch it';
  if (reason === 'tab became visible') return 'Tab visible again, reconnecting';
  return BY_STATE[state];
}
