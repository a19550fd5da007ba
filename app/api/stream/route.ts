import { SSE_HEADERS } from '@/lib/sse/wire';
import { admitStream, authorizeStream } from '@/lib/server/admission';
import { methodNotAllowed, toResponse } from '@/lib/server/http';
import { openStream, requestCursor } from '@/lib/server/open-stream';
import { getRuntime } from '@/lib/server/runtime';
import { clientIpFromHeaders, trustedProxies } from '@/lib/server/security/forwarded';
import { WebStreamSink } from '@/lib/server/stream-sink';

// Streams are per request and never cached; SSE needs Node's runtime (long-lived responses).
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/stream[?feeds=a,b][&lastEventId=cursor]: the SSE stream (wire contract v1,
 * docs/protocol.md). The default binding; `npm run start:raw` serves the same contract from a
 * plain node:http handler (lib/server/raw-stream-handler.ts) that shares everything below.
 */
export async function GET(request: Request): Promise<Response> {
  const rt = getRuntime();
  const params = new URL(request.url).searchParams;
  // A route handler cannot see the socket: the client's address comes from X-Forwarded-For (forwarded.ts).
  const ip = clientIpFromHeaders(request.headers, trustedProxies());
  const authorization = await authorizeStream(rt, params, { headers: request.headers, ip });
  if (!authorization.ok) return toResponse(authorization.answer);
  // From here to openStream nothing awaits, so a burst cannot overshoot a cap (admission.ts).
  const admission = admitStream(rt, authorization);
  if (!admission.ok) return toResponse(admission.answer);

  const sink = new WebStreamSink();
  const connection = openStream(
    rt,
    {
      feeds: admission.feeds,
      cursor: requestCursor(request.headers.get('last-event-id'), params),
      principal: admission.principal,
      client: { release: admission.release, takeSnapshot: admission.takeSnapshot },
    },
    sink,
  );
  // Both hooks end the connection (the stream's cancel() is the other); its close is idempotent.
  const { signal } = request;
  if (signal.aborted) connection.close('client_gone');
  else signal.addEventListener('abort', () => connection.close('client_gone'), { once: true });
  return new Response(sink.stream, { headers: SSE_HEADERS });
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as HEAD };
