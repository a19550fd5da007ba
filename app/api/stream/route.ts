import { SSE_HEADERS, encodeRetry } from '@/lib/sse/wire';
import { jsonError, methodNotAllowed } from '@/lib/server/http';
import { openStream } from '@/lib/server/open-stream';
import { parseFeedsQuery } from '@/lib/server/query';
import { getRuntime } from '@/lib/server/runtime';

// Streams are per request and never cached; SSE needs Node's runtime (long-lived responses).
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/stream[?feeds=a,b][&lastEventId=cursor]: the SSE stream (wire contract v1, docs/protocol.md). */
export function GET(request: Request): Response {
  const rt = getRuntime();
  if (rt.draining) {
    // Shutting down: a 200 that ends at once makes any client (even a native EventSource) retry
    // after `retry:`; `Connection: close` stops it reusing this socket to reach us again.
    return new Response(encodeRetry(1000), { headers: { ...SSE_HEADERS, Connection: 'close' } });
  }

  const params = new URL(request.url).searchParams;
  const query = parseFeedsQuery(params);
  if (!query.ok) return jsonError(400, query.code, query.message);

  if (!rt.bus.healthy()) {
    // The shared log is unreachable: tell the client in-band to come back later. A 200 that ends
    // at once, not a 5xx: a native EventSource gives up for good on errors, and a crowd of
    // clients retrying after `retry:` (with their own backoff) is not a storm of 5xx.
    return new Response(`${encodeRetry(rt.env.SSE_RETRY_MS * 2)}: bus unavailable, retry later\n\n`, {
      headers: SSE_HEADERS,
    });
  }

  if (rt.registry.full) {
    const retryAfter = Math.max(1, Math.ceil(rt.env.SSE_RETRY_MS / 1000));
    return jsonError(503, 'too_many_connections', 'This server has reached SSE_MAX_CONNECTIONS; retry later.', {
      'Retry-After': String(retryAfter),
    });
  }

  // The header wins: it is what a native EventSource sends on its own reconnects.
  const cursor = request.headers.get('last-event-id') ?? params.get('lastEventId');
  const stream = openStream(rt, { feeds: query.feeds, cursor, signal: request.signal });
  return new Response(stream, { headers: SSE_HEADERS });
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as HEAD };
