/**
 * Tells the other tabs of this browser that the user signed out, so every tab shows the
 * signed-out page within moments, not only the tab that clicked. The server ends the session's
 * streams too (`event: auth` revoked), which a leader tab reports to its followers as a failed
 * auth; this message is the faster, explicit path. Framework-free; a no-op where
 * BroadcastChannel is missing (the server-side path still holds there).
 */

/** Not the stream-sharing channel (`rtd-live`): sign-out is not stream data. */
export const AUTH_CHANNEL = 'rtd-auth';

interface SignedOut {
  kind: 'signed-out';
  /** The page that signed out (`THIS_PAGE` there). */
  from: string;
}

/**
 * This page load's id. Every BroadcastChannel object of a name hears the others, including those
 * of the same page: without it, the tab that signs out would also hear itself and navigate a
 * second time, aborting its own first navigation (under `next dev` that abort is logged as an
 * `uncaughtException: Error: aborted`, vercel/next.js#84649).
 */
const THIS_PAGE = Math.random().toString(36).slice(2);

const isSignedOut = (data: unknown): data is SignedOut =>
  typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'signed-out';

export function announceSignOut(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(AUTH_CHANNEL);
  channel.postMessage({ kind: 'signed-out', from: THIS_PAGE } satisfies SignedOut);
  channel.close();
}

/** Calls `callback` when another tab signs out (never for this page's own sign-out); returns the unsubscribe. */
export function onSignOutElsewhere(callback: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(AUTH_CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (isSignedOut(event.data) && event.data.from !== THIS_PAGE) callback();
  };
  return () => channel.close();
}
