import 'server-only';

/**
 * The session cookie. httpOnly (page scripts cannot read it), SameSite=Lax (sent on the page's own
 * fetches and on a native EventSource to the same site, not on cross-site POSTs), Secure when the
 * page is served over TLS, Path=/ so every `/api/*` route sees it. A fetch client sends it by
 * default on same-origin requests; a native EventSource too (cross-origin: `withCredentials`).
 */

export const SESSION_COOKIE = 'rtd_session';

export interface CookieOptions {
  /** Mark `Secure` (only sent over https). Default false. */
  secure?: boolean;
  /** Lifetime in seconds; 0 deletes the cookie. */
  maxAgeSeconds: number;
}

export function serializeSessionCookie(token: string, { secure = false, maxAgeSeconds }: CookieOptions): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearSessionCookie(secure = false): string {
  return serializeSessionCookie('', { secure, maxAgeSeconds: 0 });
}

/** The value of one cookie from a `Cookie` header, or null. Tokens are base64url: no decoding needed. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim() || null;
  }
  return null;
}
