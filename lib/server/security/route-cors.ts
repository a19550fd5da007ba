import 'server-only';
import { jsonError } from '../http';
import { decideCors, parseCorsOrigins } from './cors';
import { trustedProxies } from './forwarded';
import { originMatchesSite } from './same-origin';

/**
 * CORS and the origin check for the routes that read a request body (the auth routes and the
 * fault route), done by the route itself rather than by proxy.ts.
 *
 * Why not proxy.ts: Next buffers a request's body to hand it to the proxy and only then to the
 * route, reading the whole upload first. Browsers send `Origin` on every POST, so with the proxy
 * in front, a 200 MB sign-in would be read to its end before the route could refuse it. These
 * routes are left out of proxy.ts's matcher, and limit their bodies while reading them
 * (request-body.ts). A new route that reads a body belongs here too.
 *
 * The rules are proxy.ts's: no `Origin` or this very site (scheme, host and port:
 * same-origin.ts) passes; an origin in CORS_ORIGINS passes with credentials where the route
 * allows listed origins (renewing, signing out, asking who is signed in; never signing in, and
 * never the fault route); anyone else gets 403 before the route runs. Sign-in needs this check
 * although it needs no cookie: it stops login CSRF (signing a victim in as someone else).
 */

const corsOrigins = parseCorsOrigins(process.env.CORS_ORIGINS);
const NONE: ReadonlySet<string> = new Set();

export interface RouteCorsOptions {
  /** Whether origins in CORS_ORIGINS may call this handler. */
  listedOrigins: boolean;
  /** The 403's message when another origin calls it. */
  refusal: string;
}

type Handler = (request: Request) => Promise<Response> | Response;

/** `handler` behind the origin check, with the CORS headers a listed origin needs on its answer. */
export function withOriginCheck(handler: Handler, { listedOrigins, refusal }: RouteCorsOptions): Handler {
  return async (request) => {
    const origin = request.headers.get('origin');
    const same = origin !== null && originMatchesSite(origin, request.headers, trustedProxies());
    const decision = decideCors(request.method, origin, same, listedOrigins ? corsOrigins : NONE);
    if (decision.kind === 'denied') return jsonError(403, 'cross_origin', refusal, { Vary: 'Origin' });
    if (decision.kind === 'preflight') return new Response(null, { status: 204, headers: decision.headers });
    const response = await handler(request);
    if (decision.kind === 'allowed') {
      for (const [key, value] of Object.entries(decision.headers)) response.headers.set(key, value);
    }
    return response;
  };
}
