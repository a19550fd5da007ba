import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import { SSE_HEADERS, encodeComment, encodeRetry } from '@/lib/sse/wire';
import type { ServerEnv } from './env';
import { errorAnswer, type PlainAnswer } from './http';
import { parseFeedsQuery } from './query';
import type { Runtime } from './runtime';

/**
 * May this request open a stream? One decision for both bindings (the route handler and the
 * raw stream path), in one order, so they cannot drift:
 *
 * 1. **draining** (shutting down): a 200 that ends at once after `retry:`. Any client, even a
 *    native EventSource, retries; `Connection: close` stops it reusing this socket to reach us.
 * 2. **bad input**: a 400 JSON error (unknown feed, malformed `?feeds=`).
 * 3. **degraded** (the shared log is unreachable): a 200 that ends at once with a longer
 *    `retry:` and a comment saying why. Not a 5xx: a native EventSource gives up for good on
 *    errors, and a crowd retrying after `retry:` with its own backoff is not a 5xx storm.
 * 4. **full** (`SSE_MAX_CONNECTIONS` open): a 503 JSON error with `Retry-After`.
 *
 * The cursor is not checked here: a bad cursor is answered in-band with a reset.
 */

export type Admission = { ok: true; feeds: ReadonlySet<FeedName> } | { ok: false; answer: PlainAnswer };

/** Seconds a refused client should wait (`Retry-After`): the retry base, at least 1 s. The one place it is computed. */
export function retryAfterSeconds(env: Pick<ServerEnv, 'SSE_RETRY_MS'>): number {
  return Math.max(1, Math.ceil(env.SSE_RETRY_MS / 1000));
}

/** How long a client told to come back while draining waits; another instance is usually up by then. */
const DRAINING_RETRY_MS = 1000;

export function admitStream(
  runtime: Pick<Runtime, 'draining' | 'bus' | 'registry' | 'env'>,
  params: URLSearchParams,
): Admission {
  if (runtime.draining) {
    return refuse({
      status: 200,
      headers: { ...SSE_HEADERS, Connection: 'close' },
      body: encodeRetry(DRAINING_RETRY_MS),
    });
  }
  const query = parseFeedsQuery(params);
  if (!query.ok) return refuse(errorAnswer(400, query.code, query.message));
  if (!runtime.bus.healthy()) {
    return refuse({
      status: 200,
      headers: SSE_HEADERS,
      body: encodeRetry(runtime.env.SSE_RETRY_MS * 2) + encodeComment('bus unavailable, retry later'),
    });
  }
  if (runtime.registry.full) {
    return refuse(
      errorAnswer(503, 'too_many_connections', 'This server has reached SSE_MAX_CONNECTIONS; retry later.', {
        'Retry-After': String(retryAfterSeconds(runtime.env)),
      }),
    );
  }
  return { ok: true, feeds: query.feeds };
}

function refuse(answer: PlainAnswer): Admission {
  return { ok: false, answer };
}
