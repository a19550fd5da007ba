import 'server-only';
import { SignJWT, errors, jwtVerify } from 'jose';

/**
 * The session as a signed token (JWT, HS256 with AUTH_SECRET) kept in an httpOnly cookie.
 * Signing and verification are jose's: no hand-rolled crypto. The token carries only who, which
 * session, which token of it, and when; what the user may read is looked up on every request,
 * so a scope change applies at the next resume without waiting for the token to expire.
 *
 * A session is a chain of tokens: sign-in issues the first, each renewal the next (same session
 * id and start, a new token id). Sign-out names the session; a renewal names the token it
 * replaces (sessions.ts).
 */

export interface SessionClaims {
  /** User id (`sub`). */
  userId: string;
  /** Session id (`sid`): the same for every token of one sign-in; sign-out revokes it. */
  sessionId: string;
  /** Token id (`jti`): new with every renewal; the renewal revokes the one it replaces. */
  tokenId: string;
  /** When the session began (`sat`): its absolute lifetime counts from here. */
  startedAt: number;
  /** Issued at / expires at, ms since 1970 (second precision on the wire). */
  issuedAt: number;
  expiresAt: number;
}

export type VerifyFailure = 'session_expired' | 'session_invalid';
export type VerifyResult = { ok: true; claims: SessionClaims } | { ok: false; reason: VerifyFailure };

const ISSUER = 'realtime-dashboard';
const ALG = 'HS256';

/** AUTH_SECRET as a key. The config layer guarantees ≥ 32 characters. */
export function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signSession(claims: SessionClaims, key: Uint8Array): Promise<string> {
  return new SignJWT({ sid: claims.sessionId, sat: Math.floor(claims.startedAt / 1000) })
    .setProtectedHeader({ alg: ALG })
    .setIssuer(ISSUER)
    .setSubject(claims.userId)
    .setJti(claims.tokenId)
    .setIssuedAt(Math.floor(claims.issuedAt / 1000))
    .setExpirationTime(Math.floor(claims.expiresAt / 1000))
    .sign(key);
}

/**
 * Verifies signature, issuer and expiry against `now`. Expired is told apart from invalid: an
 * expired session may be renewed by the refresh route (within its grace), an invalid one never.
 */
export async function verifySession(token: string, key: Uint8Array, now: number): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      algorithms: [ALG],
      currentDate: new Date(now),
      clockTolerance: 0,
    });
    const { sub, sid, jti, sat, iat, exp } = payload;
    if (
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      typeof jti !== 'string' ||
      typeof sat !== 'number' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    ) {
      return { ok: false, reason: 'session_invalid' };
    }
    return {
      ok: true,
      claims: {
        userId: sub,
        sessionId: sid,
        tokenId: jti,
        startedAt: sat * 1000,
        issuedAt: iat * 1000,
        expiresAt: exp * 1000,
      },
    };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'session_expired' };
    return { ok: false, reason: 'session_invalid' };
  }
}

/**
 * Reads an expired token's claims after checking its signature, for renewal only: a session
 * that expired less than `graceMs` ago may be renewed without signing in again.
 */
export async function verifyExpiredWithin(
  token: string,
  key: Uint8Array,
  now: number,
  graceMs: number,
): Promise<VerifyResult> {
  return verifySession(token, key, now - graceMs);
}
