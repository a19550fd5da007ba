import 'server-only';
import { addressKey } from '../limits/client-key';
import { RateLimiter, type TakeResult } from '../limits/rate-limiter';
import { clientIpFromHeaders, trustedProxies } from '../security/forwarded';
import type { AuthConfig } from './auth-config';
import { sessionCookieOf } from './session-cookie';
import type { SessionService } from './sessions';

/**
 * Every auth write is rate-limited per client, and "client" is whatever the request can prove:
 *
 * - **Sign-in** has no session yet: per address (`AUTH_RATE_BURST` at once, then
 *   `AUTH_RATE_PER_MIN`). This is what bounds password guessing and the sessions (so the
 *   revocations) one address can create.
 * - **Renewal and sign-out** name a session in their cookie: per session, a few at once, refilled
 *   at twice the rate a client renews (one per `AUTH_SESSION_TTL_S`), at least one a minute. So
 *   neighbours behind one address never use up each other's sign-out. Without a valid session
 *   they count against the address, like a sign-in.
 */
export interface AuthLimits {
  /** One sign-in from this request's address. */
  signIn(headers: Headers): TakeResult;
  /** One renewal or sign-out of the session this request's cookie names (else of its address). */
  sessionWrite(headers: Headers): Promise<TakeResult>;
}

export function createAuthLimits(config: AuthConfig, sessions: Pick<SessionService, 'sessionOf'>): AuthLimits {
  const perAddress = new RateLimiter({ capacity: config.rate.burst, perSecond: config.rate.perSecond });
  const perSession = new RateLimiter({ capacity: 5, perSecond: Math.max(1 / 60, 2000 / config.sessionTtlMs) });
  const signIn = (headers: Headers) => perAddress.take(addressKey(clientIpFromHeaders(headers, trustedProxies())));
  return {
    signIn,
    async sessionWrite(headers) {
      const sessionId = await sessions.sessionOf(sessionCookieOf(headers));
      return sessionId ? perSession.take(sessionId) : signIn(headers);
    },
  };
}
