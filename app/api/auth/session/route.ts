import { z } from 'zod';
import { getAuth } from '@/lib/server/auth/auth-runtime';
import { sameOrigin, servedOverTls } from '@/lib/server/auth/request-origin';
import {
  clearSessionCookie,
  readCookie,
  serializeSessionCookie,
  SESSION_COOKIE,
} from '@/lib/server/auth/session-cookie';
import { findDemoUser } from '@/lib/server/auth/demo-users';
import { json, jsonError, methodNotAllowed } from '@/lib/server/http';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The session: GET who am I, POST sign in (DEMO: one click, no password), DELETE sign out.
 *
 * POST accepts a form (`user=ops`, from the sign-in panel, works without JavaScript: answers
 * 303 back to `/`) or JSON (`{"user": "ops"}`, answers JSON). Sign-out revokes the session, so
 * every open stream of it ends at its next check (docs/auth.md).
 */

const signInSchema = z.object({ user: z.string().min(1).max(64) });

export async function GET(request: Request): Promise<Response> {
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

export async function POST(request: Request): Promise<Response> {
  if (!sameOrigin(request)) return jsonError(403, 'cross_origin', 'Sign in from this site’s own page.');
  const auth = getAuth();
  if (auth.config.mode === 'off') return jsonError(409, 'auth_off', 'AUTH_MODE=off: this is a public demo.');

  const type = request.headers.get('content-type') ?? '';
  const isForm = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
  let body: unknown;
  try {
    body = isForm ? Object.fromEntries(await request.formData()) : await request.json();
  } catch {
    return jsonError(400, 'invalid_body', 'Send {"user": "<id>"} as JSON or a form.');
  }
  const parsed = signInSchema.safeParse(body);
  if (!parsed.success) return jsonError(400, 'invalid_body', 'Send {"user": "<id>"} as JSON or a form.');
  const user = findDemoUser(parsed.data.user);
  if (!user) return jsonError(400, 'unknown_user', 'No such demo user.');

  const session = await auth.sessions.issue(user.id);
  const cookie = serializeSessionCookie(session.token, {
    secure: servedOverTls(request),
    maxAgeSeconds: (auth.config.sessionTtlMs + auth.config.renewGraceMs) / 1000,
  });
  if (isForm) return new Response(null, { status: 303, headers: { Location: '/', 'Set-Cookie': cookie } });
  return json(
    { user: { id: user.id, name: user.name }, feeds: user.feeds, expiresAt: session.expiresAt },
    { headers: { 'Set-Cookie': cookie } },
  );
}

export async function DELETE(request: Request): Promise<Response> {
  if (!sameOrigin(request)) return jsonError(403, 'cross_origin', 'Sign out from this site’s own page.');
  const revoked = await getAuth().sessions.end(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
  // End this session's open streams now (`event: auth` revoked), not at their expiry. With Redis,
  // the other instances hear of it and end theirs too (lib/server/redis/revocation-channel.ts).
  if (revoked) getRuntime().registry.endSession(revoked, { kind: 'auth', reason: 'revoked' });
  return json({ ok: true }, { headers: { 'Set-Cookie': clearSessionCookie(servedOverTls(request)) } });
}

const notAllowed = methodNotAllowed('GET, POST, DELETE');
export { notAllowed as PUT, notAllowed as PATCH };
