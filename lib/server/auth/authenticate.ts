import 'server-only';
import type { AuthConfig } from './auth-config';
import { PUBLIC_PRINCIPAL, type Principal } from './principal';
import type { Revocations } from './revocations';
import { readCookie, SESSION_COOKIE } from './session-cookie';
import { secretKey, verifySession } from './session-token';

/**
 * The auth seam every route calls: `authenticate(request headers) → principal | denied`.
 * Framework-free (it reads a `Headers`), so the route handlers, the raw stream path and the tests
 * share it. Swap the body for your identity provider; keep the result type.
 */

export type DenyReason = 'session_missing' | 'session_expired' | 'session_invalid' | 'session_revoked';

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: DenyReason };

export interface UserDirectory {
  /** The user's current feed scope, or undefined if the user no longer exists (denied). */
  lookup(userId: string): { name: string; feeds: Principal['feeds'] } | undefined;
}

export interface Authenticator {
  readonly mode: AuthConfig['mode'];
  authenticate(headers: Headers): Promise<AuthResult>;
}

export function createAuthenticator(
  config: AuthConfig,
  users: UserDirectory,
  revocations: Revocations,
  now: () => number = Date.now,
): Authenticator {
  const key = secretKey(config.secret);
  return {
    mode: config.mode,
    async authenticate(headers) {
      if (config.mode === 'off') return { ok: true, principal: PUBLIC_PRINCIPAL };
      const token = readCookie(headers.get('cookie'), SESSION_COOKIE);
      if (!token) return { ok: false, reason: 'session_missing' };
      const at = now();
      const verified = await verifySession(token, key, at);
      if (!verified.ok) return { ok: false, reason: verified.reason };
      const { claims } = verified;
      if (revocations.isRevoked(claims.sessionId, at)) return { ok: false, reason: 'session_revoked' };
      const user = users.lookup(claims.userId);
      if (!user) return { ok: false, reason: 'session_invalid' };
      return {
        ok: true,
        principal: {
          kind: 'user',
          id: claims.userId,
          name: user.name,
          feeds: user.feeds,
          sessionId: claims.sessionId,
          expiresAt: claims.expiresAt,
        },
      };
    },
  };
}
