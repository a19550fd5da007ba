import 'server-only';
import { originMatchesHost, requestHost } from '@/lib/server/security/same-origin';

/**
 * Request facts the auth routes need, read defensively.
 *
 * `sameOrigin`: a state-changing request (sign-in, refresh, sign-out) must come from our own
 * pages. Browsers send `Origin` on every cross-origin request and on same-origin POSTs; when it
 * is present it must match the host the request was sent to. SameSite=Lax already keeps the
 * session cookie off cross-site POSTs; this also stops login CSRF (signing a victim in as
 * someone else), which needs no cookie.
 */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return true; // not a browser cross-origin request (curl, server-to-server)
  return originMatchesHost(origin, requestHost(request.headers));
}

/** Whether the page was reached over TLS (directly, or through a proxy that says so). */
export function servedOverTls(request: Request): boolean {
  return new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}
