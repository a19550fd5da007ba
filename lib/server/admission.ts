import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import { SSE_HEADERS, encodeComment, encodeRetry } from '@/lib/sse/wire';
import { getAuth } from './auth/auth-runtime';
import type { DenyReason } from './auth/authenticate';
import { canRead, type Principal } from './auth/principal';
import type { ServerEnv } from './env';
import { errorAnswer, type PlainAnswer } from './http';
import { clientKeys, type ClientKeys } from './limits/client-key';
import { getClientLimits } from './limits/client-limits';
import { getServerMetrics, type RefusalCap } from './observability/server-metrics';
import type { TakeResult } from './limits/rate-limiter';
import { parseFeedsQuery } from './query';
import { serving } from './serving';
import type { Runtime } from './runtime';

/**
 * May this request open a stream? One decision for both bindings (the route handler and the
 * raw stream path), in one order, so they cannot drift. Two steps, because the first awaits
 * (verifying the session) and the second must run in the same tick as `openStream`, so a burst
 * cannot overshoot a cap between the check and the registration:
 *
 * `authorizeStream` (async):
 * 1. **draining** (shutting down): a 200 that ends at once after `retry:`. Any client, even a
 *    native EventSource, retries; `Connection: close` stops it reusing this socket to reach us.
 * 2. **bad input**: a 400 JSON error (unknown feed, malformed `?feeds=`).
 * 3. **who is asking** (`authenticate()`): no valid session → 401 JSON
 *    `session_missing | session_expired | session_invalid | session_revoked`.
 * 4. **scope** (`canRead`): a requested feed the principal may not read → 403 `feed_forbidden`;
 *    without `?feeds` the stream carries every feed the principal may read (403 only when that
 *    is none). The scope is the principal's *now*: a cursor grants nothing, so a resume's replay
 *    and a reset's snapshot follow this feed set.
 *
 * `admitStream` (sync, then open at once):
 * 5. **degraded** (the shared log is unreachable): a 200 that ends at once with a longer
 *    `retry:` and a comment saying why. Not a 5xx: a native EventSource gives up for good on
 *    errors, and a crowd retrying after `retry:` with its own backoff is not a 5xx storm.
 * 6. **full** (`SSE_MAX_CONNECTIONS` open): 503 `too_many_connections` with `Retry-After`.
 * 7. **per-client cap** (`SSE_MAX_STREAMS_PER_CLIENT` open for this session, or this IP without
 *    one; a real user's sessions together; `CLIENTS_PER_IP` sessions' worth per address:
 *    limits/client-key.ts): 429 `too_many_streams` with `Retry-After`.
 *
 * Caps (6, 7) are answered as status codes only to a client that says it reads them
 * (`X-Stream-Refusals: status`, which our fetch client sends). Anyone else — a native
 * EventSource, which treats any non-200 as final — gets the same 200 + `retry:` + comment + end
 * as (5), so it comes back once a slot may be free instead of dying for good (docs/protocol.md).
 * 401 and 403 are always status codes: retrying cannot fix them.
 *
 * The cursor is not checked here: a bad cursor is answered in-band with a reset.
 */

/** Request header by which a client says it can read 429/503 status answers (else it gets an in-band retry). */
export const REFUSAL_STYLE_HEADER = 'x-stream-refusals';

export type Authorization =
  | { ok: true; feeds: ReadonlySet<FeedName>; principal: Principal; clientKeys: ClientKeys; statusRefusals: boolean }
  | { ok: false; answer: PlainAnswer };

export type Admission =
  | {
      ok: true;
      feeds: ReadonlySet<FeedName>;
      principal: Principal;
      /** Frees this client's stream slots; call once the stream ends (idempotent). */
      release: () => void;
      /** Takes one snapshot build from this client's budgets (a stream `reset`). */
      takeSnapshot: () => TakeResult;
    }
  | { ok: false; answer: PlainAnswer };

/** What a binding knows about the request: its headers and the client's address (forwarded.ts). */
export interface StreamCaller {
  headers: Headers;
  ip: string;
}

/** Seconds a refused client should wait (`Retry-After`): the retry base, at least 1 s. The one place it is computed. */
export function retryAfterSeconds(env: Pick<ServerEnv, 'SSE_RETRY_MS'>): number {
  return Math.max(1, Math.ceil(env.SSE_RETRY_MS / 1000));
}

/** How long a client told to come back while draining waits; another instance is usually up by then. */
const DRAINING_RETRY_MS = 1000;

/** The 401 every data route gives when there is no valid session (docs/protocol.md). */
export function unauthenticated(reason: DenyReason): PlainAnswer {
  return errorAnswer(401, reason, 'Sign in to read this stream (POST /api/auth/session).');
}

export function feedForbidden(feeds: readonly FeedName[]): PlainAnswer {
  return errorAnswer(
    403,
    'feed_forbidden',
    feeds.length
      ? `You may not read: ${feeds.join(', ')}. Ask without ?feeds for every feed you may read.`
      : 'You may not read any feed.',
  );
}

/**
 * Steps 3 and 4 for any data route (stream and snapshot): who is asking and which of the
 * requested feeds (all when `requested` is null) they may read now.
 */
export async function authorizeFeeds(
  headers: Headers,
  requested: ReadonlySet<FeedName> | null,
  allFeeds: readonly FeedName[],
): Promise<{ ok: true; principal: Principal; feeds: ReadonlySet<FeedName> } | { ok: false; answer: PlainAnswer }> {
  const auth = await getAuth().authenticator.authenticate(headers);
  if (!auth.ok) return { ok: false, answer: unauthenticated(auth.reason) };
  const { principal } = auth;
  if (requested) {
    const forbidden = [...requested].filter((feed) => !canRead(principal, feed));
    if (forbidden.length) return { ok: false, answer: feedForbidden(forbidden) };
    return { ok: true, principal, feeds: requested };
  }
  const readable = allFeeds.filter((feed) => canRead(principal, feed));
  if (!readable.length) return { ok: false, answer: feedForbidden([]) };
  return { ok: true, principal, feeds: new Set(readable) };
}

export async function authorizeStream(
  runtime: Pick<Runtime, 'draining' | 'env' | 'feedNames'>,
  params: URLSearchParams,
  caller: StreamCaller,
): Promise<Authorization> {
  if (runtime.draining) return refuse(drainingAnswer(), 'draining', 'draining');
  const query = parseFeedsQuery(params);
  if (!query.ok) return refuse(errorAnswer(400, query.code, query.message), 'input', query.code);
  const scoped = await authorizeFeeds(
    caller.headers,
    params.has('feeds') ? query.feeds : null,
    runtime.feedNames as readonly FeedName[],
  );
  if (!scoped.ok) return refuse(scoped.answer, 'auth', errorCode(scoped.answer));
  // Draining may have begun while the session was verified.
  if (runtime.draining) return refuse(drainingAnswer(), 'draining', 'draining');
  return {
    ok: true,
    feeds: scoped.feeds,
    principal: scoped.principal,
    clientKeys: clientKeys(scoped.principal, caller.ip),
    statusRefusals: caller.headers.get(REFUSAL_STYLE_HEADER)?.toLowerCase() === 'status',
  };
}

export function admitStream(
  runtime: Pick<Runtime, 'draining' | 'bus' | 'registry' | 'env'> & Partial<Pick<Runtime, 'revocationChannel'>>,
  authorization: Extract<Authorization, { ok: true }>,
): Admission {
  if (runtime.draining) return refuse(drainingAnswer(), 'draining', 'draining');
  const { env } = runtime;
  if (!serving(runtime)) {
    return refuse(inBandRetry(env.SSE_RETRY_MS * 2, 'bus unavailable, retry later'), 'degraded', 'bus_unavailable');
  }
  const retryAfter = retryAfterSeconds(env);
  if (runtime.registry.full) {
    return refuse(
      authorization.statusRefusals
        ? errorAnswer(503, 'too_many_connections', 'This server has reached SSE_MAX_CONNECTIONS; retry later.', {
            'Retry-After': String(retryAfter),
          })
        : inBandRetry(retryAfter * 1000, 'server full (too_many_connections), retry later'),
      'max_connections',
      'too_many_connections',
    );
  }
  const limits = getClientLimits(env);
  const release = limits.acquireStream(authorization.clientKeys);
  if (!release) {
    return refuse(
      authorization.statusRefusals
        ? errorAnswer(
            429,
            'too_many_streams',
            'This client has SSE_MAX_STREAMS_PER_CLIENT streams open; close one or retry later.',
            { 'Retry-After': String(retryAfter) },
          )
        : inBandRetry(retryAfter * 1000, 'too many streams for this client (too_many_streams), retry later'),
      'per_client',
      'too_many_streams',
    );
  }
  const { feeds, principal, clientKeys: keys } = authorization;
  return { ok: true, feeds, principal, release, takeSnapshot: () => limits.takeSnapshot(keys) };
}

function drainingAnswer(): PlainAnswer {
  return { status: 200, headers: { ...SSE_HEADERS, Connection: 'close' }, body: encodeRetry(DRAINING_RETRY_MS) };
}

/** A 200 stream that only says "come back in `retryMs`" and ends: every client, even a native EventSource, retries. */
export function inBandRetry(retryMs: number, why: string): PlainAnswer {
  return { status: 200, headers: SSE_HEADERS, body: encodeRetry(retryMs) + encodeComment(why) };
}

/** A refusal, counted by the rule that made it and the code the client sees (`rtd_stream_refusals_total`). */
function refuse(answer: PlainAnswer, cap: RefusalCap, code: string): { ok: false; answer: PlainAnswer } {
  getServerMetrics().refusals.inc({ cap, code });
  return { ok: false, answer };
}

/** The `error.code` of a JSON error answer (http.ts), for the refusal's label; refusals are rare, so parsing is fine. */
function errorCode(answer: PlainAnswer): string {
  try {
    const code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : String(answer.status);
  } catch {
    return String(answer.status);
  }
}
