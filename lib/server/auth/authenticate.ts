import 'server-only';
import type { AuthConfig } from './auth-config';
import { PUBLIC_PRINCIPAL, type Principal } from './principal';
import type { Revocations } from './revocations';
import { sessionCookieOf } from './session-cookie';
import { secretKey, verifySession } from './session-token';
import type { UserDirectory } from './user-directory';

/**
 * The auth seam every route calls: `authenticate(request headers) → principal | denied`.
 * Framework-free (it reads a `Headers`), so the route handlers, the raw stream path and the tests
 * share it. Who the users are is the directory's business (user-directory.ts); this only turns a
 * session cookie into the principal it stands for now.
 */

export type DenyReason = 'session_missing' | 'session_expired' | 'session_invalid' | 'session_revoked';

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: DenyReason };

export interface Authenticator {
  readonly mode: AuthConfig['mode'];
  authenticate(headers: Headers): Promise<AuthResult>;
}

export function createAuthenticator(
  config: AuthConfig,
  users: Pick<UserDirectory, 'lookup'>,
  revocations: Revocations,
  now: () => number = Date.now,
): Authenticator {
  const key = secretKey(config.secret);
  return {
    mode: config.mode,
    async authenticate(headers) {
      if (config.mode === 'off') return { ok: true, principal: PUBLIC_PRINCIPAL };
      const token = sessionCookieOf(headers);
      if (!token) return { ok: false, reason: 'session_missing' };
      const at = now();
      const verified = await verifySession(token, key, at);
      if (!verified.ok) return { ok: false, reason: verified.reason };
      const { claims } = verified;
      // The session signed out, or this token replaced by a renewal (after its grace).
      if (revocations.isRevoked(claims.sessionId, at) || revocations.isRevoked(claims.tokenId, at)) {
        return { ok: false, reason: 'session_revoked' };
      }
      const user = users.lookup(claims.userId);
      if (!user) return { ok: false, reason: 'session_invalid' };
      return {
        ok: true,
        principal: {
          kind: 'user',
          id: claims.userId,
          name: user.name,
          shared: user.shared ?? false,
          feeds: user.feeds,
          sessionId: claims.sessionId,
          expiresAt: claims.expiresAt,
        },
      };
    },
  };
}
