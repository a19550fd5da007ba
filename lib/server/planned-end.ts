import 'server-only';
import { EVENT_TYPES, encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import type { WireAuthEnd, WireRotate } from '@/lib/sse/payloads';
import { encodeText } from './batch-encoder';

/**
 * Ends a stream on purpose, and says why in-band before the close (docs/protocol.md):
 *
 * - `rotate` `{reason: "max_age"}`: the stream reached `SSE_MAX_STREAM_MS`. Platforms cap how long
 *   a response may last (Vercel 300 s, proxies ~100 s); ending it ourselves first turns an outage
 *   into an invisible reconnect from the cursor.
 * - `auth` `{reason: "expired" | "revoked" | "invalid"}`: the session that opened the stream no
 *   longer grants it (Mercure's rule: a stream never outlives its session). The client renews the
 *   session and resumes, or shows a sign-in prompt.
 *
 * One deadline per stream, `min(opened + max − jitter, session expiry)`, computed once at open.
 */

export type PlannedEnd =
  { kind: 'rotate'; reason: WireRotate['reason'] } | { kind: 'auth'; reason: WireAuthEnd['reason'] };

export interface StreamDeadline {
  /** When the stream ends (ms since 1970). */
  at: number;
  end: PlannedEnd;
}

/** Share of `SSE_MAX_STREAM_MS` taken off at random, so streams opened together do not all rotate together. */
export const ROTATION_JITTER = 0.1;

/**
 * The `retry:` written just before a planned close: a native EventSource waits this long before
 * it reconnects, so it comes back at once; the next stream's preamble sets the usual value back.
 * Not 0: if that reconnect fails, a native client keeps this delay until a stream opens again,
 * and 250 ms is fast enough to be invisible yet slow enough not to be a hot loop.
 */
export const PLANNED_END_RETRY_MS = 250;

export interface DeadlineInput {
  openedAt: number;
  /** `SSE_MAX_STREAM_MS`; 0 means no rotation. */
  maxStreamMs: number;
  /** The principal's session expiry, or null (public, or a session without one). */
  expiresAt: number | null;
  /** Uniform in [0, 1); `Math.random` in production. */
  random: () => number;
}

export function streamDeadline({ openedAt, maxStreamMs, expiresAt, random }: DeadlineInput): StreamDeadline | null {
  const rotateAt = maxStreamMs > 0 ? openedAt + maxStreamMs - random() * ROTATION_JITTER * maxStreamMs : null;
  if (expiresAt !== null && (rotateAt === null || expiresAt <= rotateAt)) {
    return { at: expiresAt, end: { kind: 'auth', reason: 'expired' } };
  }
  return rotateAt === null ? null : { at: Math.round(rotateAt), end: { kind: 'rotate', reason: 'max_age' } };
}

/** The last bytes of a planned end: the event first, then the short `retry:` (see above). */
export function encodePlannedEnd(end: PlannedEnd): Uint8Array {
  const event = end.kind === 'rotate' ? EVENT_TYPES.rotate : EVENT_TYPES.auth;
  return encodeText(encodeJsonEvent(event, { reason: end.reason }) + encodeRetry(PLANNED_END_RETRY_MS));
}
