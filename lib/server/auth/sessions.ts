import 'server-only';
import { randomUUID } from 'node:crypto';
import type { AuthConfig } from './auth-config';
import type { DenyReason, UserDirectory } from './authenticate';
import type { Revocations } from './revocations';
import { secretKey, signSession, verifyExpiredWithin } from './session-token';

/**
 * Issuing, renewing and ending sessions: what the sign-in, refresh and sign-out routes call.
 *
 * Renewal is what lets a stream outlive nothing: the server ends each stream when its session
 * expires (in-band `event: auth`), the client calls refresh, gets a new cookie, and resumes from
 * its cursor. A session that was signed out (revoked), whose user is gone, or that expired longer
 * than the grace ago cannot be renewed: the client then shows a sign-in prompt.
 */

export interface IssuedSession {
  token: string;
  sessionId: string;
  userId: string;
  expiresAt: number;
}

export type RenewResult = { ok: true; session: IssuedSession } | { ok: false; reason: DenyReason };

export interface SessionService {
  issue(userId: string): Promise<IssuedSession>;
  renew(token: string | null): Promise<RenewResult>;
  /** Revokes the token's session (if its signature is good); idempotent. Returns the session id revoked, or null. */
  end(token: string | null): Promise<string | null>;
}

export function createSessionService(
  config: AuthConfig,
  users: UserDirectory,
  revocations: Revocations,
  now: () => number = Date.now,
): SessionService {
  const key = secretKey(config.secret);

  const issue = async (userId: string, sessionId: string = randomUUID()): Promise<IssuedSession> => {
    const issuedAt = now();
    const expiresAt = issuedAt + config.sessionTtlMs;
    const token = await signSession({ userId, sessionId, issuedAt, expiresAt }, key);
    return { token, sessionId, userId, expiresAt };
  };

  return {
    issue: (userId) => issue(userId),

    async renew(token) {
      if (!token) return { ok: false, reason: 'session_missing' };
      const at = now();
      const verified = await verifyExpiredWithin(token, key, at, config.renewGraceMs);
      if (!verified.ok) return { ok: false, reason: verified.reason };
      const { claims } = verified;
      if (revocations.isRevoked(claims.sessionId, at)) return { ok: false, reason: 'session_revoked' };
      if (!users.lookup(claims.userId)) return { ok: false, reason: 'session_invalid' };
      // Same session id: a sign-out of the renewed session still revokes it.
      return { ok: true, session: await issue(claims.userId, claims.sessionId) };
    },

    async end(token) {
      if (!token) return null;
      const verified = await verifyExpiredWithin(token, key, now(), config.renewGraceMs);
      if (!verified.ok) return null;
      // Remember the revocation until no token of this session could be renewed any more.
      const renewableUntil = Math.max(verified.claims.expiresAt, now() + config.sessionTtlMs) + config.renewGraceMs;
      revocations.revoke(verified.claims.sessionId, renewableUntil);
      return verified.claims.sessionId;
    },
  };
}
