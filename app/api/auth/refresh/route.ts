import { getAuth } from '@/lib/server/auth/auth-runtime';
import { sameOrigin, servedOverTls } from '@/lib/server/auth/request-origin';
import { readCookie, serializeSessionCookie, SESSION_COOKIE } from '@/lib/server/auth/session-cookie';
import { json, jsonError, methodNotAllowed } from '@/lib/server/http';
import { getRuntime } from '@/lib/server/runtime';
import { serving } from '@/lib/server/serving';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * POST /api/auth/refresh: renews the session in the cookie (also shortly after it expired,
 * within AUTH_RENEW_GRACE_S) and sets the new cookie. What the client calls when a stream ends
 * with `event: auth` `{reason: "expired"}`, before resuming from its cursor. 401 with the
 * reason when the session cannot be renewed (signed out, user gone, secret rotated, too old):
 * the client then stops retrying and shows the sign-in prompt. 503 while this instance cannot
 * know whether the session was signed out elsewhere (serving.ts): the client backs off and asks
 * again, as after any outage.
 */
export async function POST(request: Request): Promise<Response> {
  if (!sameOrigin(request)) return jsonError(403, 'cross_origin', 'Renew from this site’s own page.');
  if (!serving(getRuntime())) {
    return jsonError(503, 'auth_unavailable', 'Sessions cannot be checked right now; retry shortly.', {
      'Retry-After': '1',
    });
  }
  const auth = getAuth();
  const renewed = await auth.sessions.renew(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
  if (!renewed.ok) return jsonError(401, renewed.reason, 'The session cannot be renewed; sign in again.');
  const cookie = serializeSessionCookie(renewed.session.token, {
    secure: servedOverTls(request),
    maxAgeSeconds: (auth.config.sessionTtlMs + auth.config.renewGraceMs) / 1000,
  });
  return json({ expiresAt: renewed.session.expiresAt }, { headers: { 'Set-Cookie': cookie } });
}

const notAllowed = methodNotAllowed('POST');
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
