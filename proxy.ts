import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy } from '@/lib/server/security/content-security-policy';
import { decideCors, parseCorsOrigins } from '@/lib/server/security/cors';
import { trustedProxies } from '@/lib/server/security/forwarded';
import { originMatchesSite } from '@/lib/server/security/same-origin';

/**
 * Next's request proxy (the file formerly called middleware). Two jobs, both before any route:
 *
 * - Pages get a fresh CSP nonce per request. Next reads the nonce from the request's CSP header
 *   and puts it on its own scripts, so the page needs no code for it.
 * - `/api/*` requests that carry an `Origin` header get the CORS decision (lib/server/security/
 *   cors.ts). Same-origin GETs, which is what the dashboard's stream and snapshot are, carry no
 *   `Origin` and never reach this code: the stream pays nothing for it. The routes that read a
 *   body (`/api/auth/*`, `/api/faults`) decide for themselves (security/route-cors.ts).
 */

const corsOrigins = parseCorsOrigins(process.env.CORS_ORIGINS);

export function proxy(request: NextRequest): NextResponse {
  return request.nextUrl.pathname.startsWith('/api/') ? applyCors(request) : withNonce(request);
}

function withNonce(request: NextRequest): NextResponse {
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

function applyCors(request: NextRequest): NextResponse {
  const origin = request.headers.get('origin');
  const same = origin !== null && originMatchesSite(origin, request.headers, trustedProxies());
  const decision = decideCors(request.method, origin, same, corsOrigins);
  switch (decision.kind) {
    case 'same-origin':
      return NextResponse.next();
    case 'denied':
      return NextResponse.json(
        { error: { code: 'cors_denied', message: 'This origin may not call the API (see CORS_ORIGINS).' } },
        { status: 403, headers: { 'Cache-Control': 'no-store', Vary: 'Origin' } },
      );
    case 'preflight':
      return new NextResponse(null, { status: 204, headers: decision.headers });
    case 'allowed': {
      const response = NextResponse.next();
      for (const [key, value] of Object.entries(decision.headers)) response.headers.set(key, value);
      return response;
    }
  }
}

export const config = {
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
    // Not the routes that read a body: Next would read the whole upload for the proxy before
    // they could refuse it. They check origins themselves (lib/server/security/route-cors.ts).
    { source: '/api/((?!auth/|faults).*)', has: [{ type: 'header', key: 'origin' }] },
  ],
};
