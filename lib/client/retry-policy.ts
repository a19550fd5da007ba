import type { TransportEnd } from './sse-transport';

/**
 * What to do after a request ended, decided in one place: give up for good, or retry (after the
 * server's `Retry-After` when it gave one, else after the backoff's next delay). Pure; the
 * connection manager only carries the decision out.
 */

export type RetryDecision =
  | { kind: 'fail'; reason: string; error: string }
  /** `delayMs` null: use the backoff's next delay. */
  | { kind: 'retry'; reason: string; delayMs: number | null };

/** Statuses after which retrying cannot help (auth, not found, bad request…). 408 and 429 are about timing. */
export function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names a weekday and month; this keeps Date.parse from reading "-1" as a year.
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Share of the server's Retry-After added at random, so a crowd told "2 s" does not return at once. */
export const RETRY_AFTER_JITTER = 0.1;

/**
 * Bounds on a server's `Retry-After`: at least the base delay (a date in the past or `0` must not
 * become a hot loop) and at most the backoff cap (a huge value must not park the client for
 * hours, nor exceed what a timer can hold).
 */
export interface RetryAfterBounds {
  floorMs: number;
  capMs: number;
}

export function boundRetryAfter(ms: number, { floorMs, capMs }: RetryAfterBounds): number {
  return Math.min(Math.max(ms, floorMs), capMs);
}

/** The reason's first words when a request got no answer at all (refused, DNS, no route). */
export const UNREACHABLE_REASON = 'cannot reach the server';
/** The reason's first words when an open stream broke (reset, cut mid-body). */
export const CONNECTION_LOST_REASON = 'connection lost';

/** The `failed` reason for a refused session (401): the UI shows a sign-in prompt for it. */
export const AUTH_FAILURE_REASON = 'auth';

export function decideAfterEnd(
  end: Extract<TransportEnd, { kind: 'ended' | 'http' | 'network' }>,
  now: number,
  random: () => number,
  bounds: RetryAfterBounds,
): RetryDecision {
  switch (end.kind) {
    case 'ended':
      return { kind: 'retry', reason: 'server ended the stream', delayMs: null };
    case 'network':
      // Which phase failed is all the page can know: a browser reports a refused connection, a
      // failed DNS lookup and a network with no route alike ("Failed to fetch"), so the words
      // claim no more than that (a device the browser knows is offline is handled before this).
      return {
        kind: 'retry',
        reason: `${end.phase === 'connect' ? UNREACHABLE_REASON : CONNECTION_LOST_REASON}: ${end.message}`,
        delayMs: null,
      };
    case 'http': {
      const reason = `HTTP ${end.status}: ${end.message}`;
      // No valid session: retrying would only repeat the 401. The reason is exactly `auth`, so the
      // UI can say "signed out — sign in" (renewal after an in-band `event: auth` is not this path).
      if (end.status === 401) return { kind: 'fail', reason: AUTH_FAILURE_REASON, error: end.message };
      if (isPermanent(end.status)) return { kind: 'fail', reason, error: end.message };
      // Only 503 and 429 define Retry-After as "come back then".
      const retryAfter = end.status === 503 || end.status === 429 ? parseRetryAfter(end.retryAfter, now) : null;
      const delayMs =
        retryAfter === null
          ? null
          : Math.round(boundRetryAfter(retryAfter * (1 + RETRY_AFTER_JITTER * random()), bounds));
      return { kind: 'retry', reason, delayMs };
    }
  }
}
