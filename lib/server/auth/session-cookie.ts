import 'server-only';
import { siteOf, trustedProxies } from '../security/forwarded';

/**
 * The session cookie. httpOnly (page scripts cannot read it), SameSite=Lax (sent on the page's own
 * fetches and on a native EventSource to the same site, not on cross-site POSTs), Path=/ so every
 * `/api/*` route sees it. A fetch client sends it by default on same-origin requests; a native
 * EventSource too (cross-origin: `withCredentials`).
 *
 * Over TLS it is `__Host-rtd_session`, `Secure`: browsers accept a `__Host-` cookie only from the
 * host itself, over https, without `Domain`, so a sibling subdomain or a network attacker cannot
 * plant a session in the user's browser (and over TLS the plain name is not read at all). Over
 * plain http (`npm run dev`, a LAN) it is `rtd_session`. Which one a request is: forwarded.ts.
 */

export const SESSION_COOKIE = 'rtd_session';
export const TLS_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export interface CookieOptions {
  /** Served over TLS: the `__Host-` name and `Secure`. Default false. */
  secure?: boolean;
  /** Lifetime in seconds; 0 deletes the cookie. */
  maxAgeSeconds: number;
}

export function sessionCookieName(secure: boolean): string {
  return secure ? TLS_SESSION_COOKIE : SESSION_COOKIE;
}

export function serializeSessionCookie(token: string, { secure = false, maxAgeSeconds }: CookieOptions): string {
  const parts = [
    `${sessionCookieName(secure)}=${token}`,
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

/** Whether this request reached the site over TLS (directly, or through a trusted proxy that says so). */
export function servedOverTls(headers: Headers, proxies: ReadonlySet<string> = trustedProxies()): boolean {
  return siteOf(headers, proxies).scheme === 'https';
}

/** The session token a request carries: the cookie of its scheme only. */
export function sessionCookieOf(headers: Headers, proxies: ReadonlySet<string> = trustedProxies()): string | null {
  return readCookie(headers.get('cookie'), sessionCookieName(servedOverTls(headers, proxies)));
}
