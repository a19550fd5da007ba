import { getAuth } from '@/lib/server/auth/auth-runtime';
import { readCredentials } from '@/lib/server/auth/credentials';
import {
  clearSessionCookie,
  serializeSessionCookie,
  servedOverTls,
  sessionCookieOf,
} from '@/lib/server/auth/session-cookie';
import { bodyTooLarge, json, jsonError, methodNotAllowed, tooManyRequests } from '@/lib/server/http';
import { BodyTooLargeError, readBodyText } from '@/lib/server/request-body';
import { withOriginCheck } from '@/lib/server/security/route-cors';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The session: GET who am I, POST sign in, DELETE sign out.
 *
 * POST hands what the sign-in form posted to the user directory's `verifyCredentials`
 * (lib/server/auth/user-directory.ts; the demo: `user=ops`, one click, no password). It accepts a
 * form (from the sign-in panel, works without JavaScript: answers 303 back to `/`, with
 * `?sign-in=failed` or `?sign-in=rate-limited` when it did not sign in) or JSON (answers JSON).
 * Sign-in is rate-limited per client address (AUTH_RATE_BURST, AUTH_RATE_PER_MIN), sign-out per
 * session (auth-limits.ts), and their bodies are size-limited while read. Sign-out revokes the session, so every open
 * stream of it ends at its next check (docs/auth.md).
 *
 * Origins (route-cors.ts): sign-in only from this site's own page; who-am-I and sign-out also
 * from the sites in CORS_ORIGINS.
 */

/** Sign-in bodies are a few short fields: anything bigger is refused while it is read. */
const SIGN_IN_MAX_BODY_BYTES = 8 * 1024;
/** Sign-out has no body; a small one is tolerated and ignored. */
const SIGN_OUT_MAX_BODY_BYTES = 1024;

async function whoAmI(request: Request): Promise<Response> {
  const auth = getAuth();
  const result = await auth.authenticator.authenticate(request.headers);
  if (!result.ok) return jsonError(401, result.reason, 'Not signed in.');
  const { principal } = result;
  return json({
    mode: auth.config.mode,
    user: { id: principal.id, name: principal.name, kind: principal.kind },
    feeds: principal.feeds,
    expiresAt: principal.expiresAt,
  });
}

async function signIn(request: Request): Promise<Response> {
  const auth = getAuth();
  if (auth.config.mode === 'off') return jsonError(409, 'auth_off', 'AUTH_MODE=off: this is a public demo.');

  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  const isForm = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
  const backToPanel = (outcome: string) =>
    new Response(null, { status: 303, headers: { Location: `/?sign-in=${outcome}`, 'Cache-Control': 'no-store' } });

  const budget = auth.limits.signIn(request.headers);
  if (!budget.ok) {
    return isForm
      ? backToPanel('rate-limited')
      : tooManyRequests(budget.retryAfterMs, 'Too many sign-ins from this address; retry later.');
  }
  let fields;
  try {
    fields = await readCredentials(type, await readBodyText(request, SIGN_IN_MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return bodyTooLarge(error.limitBytes);
    throw error;
  }
  if (!fields) return jsonError(400, 'invalid_body', 'Send the sign-in fields as a form or a JSON object of strings.');

  const user = await auth.users.verifyCredentials(fields);
  if (!user) return isForm ? backToPanel('failed') : jsonError(401, 'invalid_credentials', 'Sign-in failed.');

  const session = await auth.sessions.issue(user.id);
  const cookie = serializeSessionCookie(session.token, {
    secure: servedOverTls(request.headers),
    maxAgeSeconds: (auth.config.sessionTtlMs + auth.config.renewGraceMs) / 1000,
  });
  if (isForm) return new Response(null, { status: 303, headers: { Location: '/', 'Set-Cookie': cookie } });
  return json(
    { user: { id: user.id, name: user.name }, feeds: user.feeds, expiresAt: session.expiresAt },
    { headers: { 'Set-Cookie': cookie } },
  );
}

async function signOut(request: Request): Promise<Response> {
  const budget = await getAuth().limits.sessionWrite(request.headers);
  if (!budget.ok) return tooManyRequests(budget.retryAfterMs, 'Too many sign-outs; retry later.');
  try {
    await readBodyText(request, SIGN_OUT_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return bodyTooLarge(error.limitBytes);
    throw error;
  }
  const revoked = await getAuth().sessions.end(sessionCookieOf(request.headers));
  // End this session's open streams now (`event: auth` revoked), not at their expiry. With Redis,
  // the other instances hear of it and end theirs too (lib/server/redis/revocation-channel.ts).
  if (revoked) getRuntime().registry.endSession(revoked, { kind: 'auth', reason: 'revoked' });
  return json({ ok: true }, { headers: { 'Set-Cookie': clearSessionCookie(servedOverTls(request.headers)) } });
}

const ALLOW = { Allow: 'GET, POST, DELETE, OPTIONS' };
const fromListedSites = { listedOrigins: true, refusal: 'Use this site’s own page.' };
export const GET = withOriginCheck(whoAmI, fromListedSites);
export const POST = withOriginCheck(signIn, { listedOrigins: false, refusal: 'Sign in from this site’s own page.' });
export const DELETE = withOriginCheck(signOut, fromListedSites);
export const OPTIONS = withOriginCheck(() => new Response(null, { status: 204, headers: ALLOW }), fromListedSites);

const notAllowed = methodNotAllowed(ALLOW.Allow);
export { notAllowed as PUT, notAllowed as PATCH };
