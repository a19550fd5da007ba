import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import { errorAnswer, type PlainAnswer } from '../http';
import { getAuth } from './auth-runtime';
import { partitionFeeds, type Principal } from './principal';

/**
 * MINIMAL stream authorisation, shared by both stream bindings (route handler and raw path):
 * who opens the stream (`authenticate`), and which of the admitted feeds it may read. Written by
 * the stream-ends work so streams end at session expiry and sign-out; the full seam (per-client
 * caps, snapshot scoping, …) is auth-server's, and replaces this where the two meet.
 *
 * - no valid session (AUTH_MODE=session) → `401 {error: {code: session_*}}`;
 * - a feed asked for by name that the principal may not read → `403 feed_forbidden`;
 * - no `?feeds`: every feed the principal may read (not a 403).
 */

export type StreamAccess =
  { ok: true; principal: Principal; feeds: ReadonlySet<FeedName> } | { ok: false; answer: PlainAnswer };

export async function authorizeStream(
  headers: Headers,
  admitted: ReadonlySet<FeedName>,
  feedsNamed: boolean,
): Promise<StreamAccess> {
  const result = await getAuth().authenticator.authenticate(headers);
  if (!result.ok) return { ok: false, answer: errorAnswer(401, result.reason, 'Sign in to open the stream.') };
  const { readable, forbidden } = partitionFeeds(result.principal, [...admitted]);
  if (feedsNamed && forbidden.length > 0) {
    return {
      ok: false,
      answer: errorAnswer(403, 'feed_forbidden', `Not allowed to read: ${forbidden.join(', ')}.`),
    };
  }
  return { ok: true, principal: result.principal, feeds: new Set(readable) };
}
