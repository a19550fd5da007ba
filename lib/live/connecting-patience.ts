import type { ConnectionState } from '@/lib/client/connection-status';
import type { TabRole } from '@/lib/client/tab-role';

/**
 * "Connecting" must not spin forever without a word. The connection manager's own watchdog gives up on a silent request only after 2.5 heartbeats (37.5 s before the first
 * `hello` says how long a heartbeat is), and a request the *browser* holds back (six connections
 * per origin over HTTP/1.1, all taken) is not even sent. So after `CONNECTING_PATIENCE_MS` in
 * `connecting`, the badge says why it may be stuck and offers "Reconnect now".
 */

/** How long `connecting` may last before the badge explains it. 8000 ms. */
export const CONNECTING_PATIENCE_MS = 8000;

/** The explanation to show, or null while `connecting` is still young (or not the state). */
export function stuckConnectingMessage(
  state: ConnectionState,
  since: number,
  role: TabRole,
  now: number,
): string | null {
  if (state !== 'connecting' || now - since < CONNECTING_PATIENCE_MS) return null;
  const seconds = Math.round((now - since) / 1000);
  if (role === 'follower')
    return `Still connecting after ${seconds} s: the tab that holds the shared stream has not reached the server yet`;
  if (role === 'electing') return `Still connecting after ${seconds} s: no tab has taken the stream yet`;
  return `Still connecting after ${seconds} s: the server has not answered (the browser may be out of connections to this site, or a proxy holds the request)`;
}
