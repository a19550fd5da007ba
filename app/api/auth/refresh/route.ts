import { getAuth } from '@/lib/server/auth/auth-runtime';
import { serializeSessionCookie, servedOverTls, sessionCookieOf } from '@/lib/server/auth/session-cookie';
import { bodyTooLarge, json, jsonError, methodNotAllowed, tooManyRequests } from '@/lib/server/http';
import { BodyTooLargeError, readBodyText } from '@/lib/server/request-body';
import { getRuntime } from '@/lib/server/runtime';
import { serving } from '@/lib/server/serving';
import { withOriginCheck } from '@/lib/server/security/route-cors';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Renewal has no body; a small one is tolerated and ignored. */
const REFRESH_MAX_BODY_BYTES = 1024;

/**
 * POST /api/auth/refresh: renews the session in the cookie (also shortly after it expired,
 * within AUTH_RENEW_GRACE_S, never past its absolute end) and sets the cookie of a new token;
 * the replaced token stops working AUTH_ROTATION_GRACE_S later. What the client calls when a
 * stream ends with `event: auth` `{reason: "expired"}`, before resuming from its cursor. 401 with
 * the reason when the session cannot be renewed (signed out, replaced, user gone, secret rotated,
 * too old): the client then stops retrying and shows the sign-in prompt. 429 past a few renewals
 * a minute per session, 503 while this instance cannot know whether the session was signed out
 * elsewhere (serving.ts): the client backs off and asks again, as after any outage. Accepts this
 * site's origin and those in CORS_ORIGINS.
 */
async function renew(request: Request): Promise<Response> {
  try {
    await readBodyText(request, REFRESH_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return bodyTooLarge(error.limitBytes);
    throw error;
  }
  if (!serving(getRuntime())) {
    return jsonError(503, 'auth_unavailable', 'Sessions cannot be checked right now; retry shortly.', {
      'Retry-After': '1',
    });
  }
  const auth = getAuth();
  const budget = await auth.limits.sessionWrite(request.headers);
  if (!budget.ok) return tooManyRequests(budget.retryAfterMs, 'Too many renewals of this session; retry later.');
  const renewed = await auth.sessions.renew(sessionCookieOf(request.headers));
  if (!renewed.ok) return jsonError(401, renewed.reason, 'The session cannot be renewed; sign in again.');
  const cookie = serializeSessionCookie(renewed.session.token, {
    secure: servedOverTls(request.headers),
    maxAgeSeconds: (auth.config.sessionTtlMs + auth.config.renewGraceMs) / 1000,
  });
  return json({ expiresAt: renewed.session.expiresAt }, { headers: { 'Set-Cookie': cookie } });
}

const origins = { listedOrigins: true, refusal: 'Renew from this site’s own page.' };
export const POST = withOriginCheck(renew, origins);
export const OPTIONS = withOriginCheck(
  () => new Response(null, { status: 204, headers: { Allow: 'POST, OPTIONS' } }),
  origins,
);

const notAllowed = methodNotAllowed('POST');
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
