import 'server-only';
import { randomUUID } from 'node:crypto';
import type { AuthConfig } from './auth-config';
import type { DenyReason } from './authenticate';
import type { Revocations } from './revocations';
import { secretKey, signSession, verifyExpiredWithin, type SessionClaims } from './session-token';
import type { UserDirectory } from './user-directory';

/**
 * Issuing, renewing and ending sessions: what the sign-in, refresh and sign-out routes call.
 *
 * Renewal is what lets a stream outlive its token: the server ends each stream when its token
 * expires (in-band `event: auth`), the client calls refresh, gets a new cookie, and resumes from
 * its cursor. Three rules keep a stolen cookie from living forever:
 *
 * - **Absolute lifetime.** A session ends `AUTH_SESSION_MAX_AGE_S` after sign-in whatever is
 *   renewed: each token expires at the earlier of its own TTL and that end, and a session past
 *   its end cannot be renewed.
 * - **Rotation.** Each renewal issues a new token (same session, new token id) and revokes the
 *   one it replaces after `AUTH_ROTATION_GRACE_S`, so an old cookie stops working shortly after
 *   the rightful client renewed, and cannot be renewed itself.
 * - **Sign-out** revokes the session (every token of it) until its absolute end, after which no
 *   token of it could be used anyway: so the revocation is never forgotten while it matters.
 *
 * A session that was signed out, whose user is gone, or that expired longer than the renewal
 * grace ago cannot be renewed: the client then shows a sign-in prompt.
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
  /** The session a token names, if its signature is good (also shortly after expiry), for per-session limits. */
  sessionOf(token: string | null): Promise<string | null>;
}

/** When a session started at `startedAt` ends for good. */
export function absoluteEnd(config: Pick<AuthConfig, 'sessionMaxAgeMs'>, startedAt: number): number {
  return startedAt + config.sessionMaxAgeMs;
}

export function createSessionService(
  config: AuthConfig,
  users: Pick<UserDirectory, 'lookup'>,
  revocations: Revocations,
  now: () => number = Date.now,
): SessionService {
  const key = secretKey(config.secret);

  const sign = async (claims: Omit<SessionClaims, 'tokenId' | 'issuedAt' | 'expiresAt'>): Promise<IssuedSession> => {
    const issuedAt = now();
    const expiresAt = Math.min(issuedAt + config.sessionTtlMs, absoluteEnd(config, claims.startedAt));
    const token = await signSession({ ...claims, tokenId: randomUUID(), issuedAt, expiresAt }, key);
    return { token, sessionId: claims.sessionId, userId: claims.userId, expiresAt };
  };

  /** The claims of a token that may still be renewed or signed out (good signature, within the grace). */
  const readRenewable = async (token: string | null) => {
    if (!token) return { ok: false as const, reason: 'session_missing' as const };
    return verifyExpiredWithin(token, key, now(), config.renewGraceMs);
  };

  return {
    issue: (userId) => sign({ userId, sessionId: randomUUID(), startedAt: now() }),

    async renew(token) {
      const verified = await readRenewable(token);
      if (!verified.ok) return { ok: false, reason: verified.reason };
      const { claims } = verified;
      const at = now();
      if (revocations.isRevoked(claims.sessionId, at) || revocations.isRevoked(claims.tokenId, at)) {
        return { ok: false, reason: 'session_revoked' };
      }
      const end = absoluteEnd(config, claims.startedAt);
      if (at >= end) return { ok: false, reason: 'session_expired' };
      if (!users.lookup(claims.userId)) return { ok: false, reason: 'session_invalid' };
      const next = await sign({ userId: claims.userId, sessionId: claims.sessionId, startedAt: claims.startedAt });
      // The replaced token: refused after the grace, until it could no longer be renewed anyway.
      revocations.revoke(
        claims.tokenId,
        Math.min(claims.expiresAt + config.renewGraceMs, end),
        at + config.rotationGraceMs,
      );
      return { ok: true, session: next };
    },

    async end(token) {
      const verified = await readRenewable(token);
      if (!verified.ok) return null;
      const { sessionId, startedAt } = verified.claims;
      revocations.revoke(sessionId, absoluteEnd(config, startedAt));
      return sessionId;
    },

    async sessionOf(token) {
      const verified = await readRenewable(token);
      return verified.ok ? verified.claims.sessionId : null;
    },
  };
}
