import 'server-only';
import { logger, logRepeated } from './observability/logger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSE_HEADERS } from '@/lib/sse/wire';
import { decideCors, parseCorsOrigins } from '@/lib/server/security/cors';
import { clientIpFromHeaders, trustedProxies, vetForwardedHeaders } from '@/lib/server/security/forwarded';
import { normalisedPath } from '@/lib/server/security/request-guard';
import { originMatchesSite } from '@/lib/server/security/same-origin';
import { admitStream, authorizeStream } from './admission';
import { errorAnswer, methodNotAllowedAnswer, type PlainAnswer } from './http';
import { NodeResponseSink } from './node-response-sink';
import { openStream, requestCursor } from './open-stream';
import { getRuntime } from './runtime';

const log = logger('raw-stream');

/**
 * The raw stream path: `GET /api/stream` answered by a plain `node:http` handler, for people who
 * self-host and want more streams per machine. Same contract v1 as the route handler, built
 * from the same core (admission, runtime, bus, registry, connection, encoder); only the last
 * hop differs: bytes go to the `ServerResponse` directly, with no web stream, no `pipeTo` and
 * no promise per chunk. `raw-server.mjs` (`npm run start:raw`) hands every request to
 * `handleRawRequest`, which sends `/api/stream` here and everything else to Next.
 *
 * Why it is published on `globalThis`: `raw-server.mjs` is plain Node and cannot import this
 * TypeScript module. Next compiles it into the instrumentation bundle instead, and
 * `instrumentation.ts` (through `bootServer`) publishes the handler under
 * `RAW_STREAM_HANDLER_KEY` when the server starts, the same way the runtime itself is shared
 * (runtime.ts). The custom server picks it up after `app.prepare()`.
 */

export type RawStreamHandler = (req: IncomingMessage, res: ServerResponse) => void;
export type RawRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  handleNext: (req: IncomingMessage, res: ServerResponse) => void,
) => void;

/** The `globalThis` key `raw-server.mjs` reads; keep the two in step. */
export const RAW_STREAM_HANDLER_KEY = '__realtimeDashboardRawStreamHandler';

/**
 * Every request of the raw server, before anything reads it:
 *
 * 1. Its forwarded headers are vetted against the socket (forwarded.ts): from anyone but a
 *    trusted proxy, `X-Forwarded-For` becomes the peer and `-Proto`/`-Host` are dropped. Next's
 *    route handlers and page behind this server then see only what is true, so a spoofed
 *    `X-Forwarded-For` escapes no per-IP limit on any path.
 * 2. Its path is normalised as routing would read it (request-guard.ts), so `/api/./stream`,
 *    `/api/../api/stream` or `/api/%73tream` reach this handler like `/api/stream`, not the
 *    route handler by another spelling.
 */
export const handleRawRequest: RawRequestHandler = (req, res, handleNext) => {
  vetForwardedHeaders(req.headers, req.socket.remoteAddress ?? null, trustedProxies());
  if (normalisedPath(req.url ?? '/') === '/api/stream') handleRawStream(req, res);
  else handleNext(req, res);
};

/**
 * What proxy.ts and next.config.js give every route, done here because this path bypasses both:
 * the CORS decision (same-origin by default, CORS_ORIGINS allowlist) and `nosniff`.
 */
const corsOrigins = parseCorsOrigins(process.env.CORS_ORIGINS);
const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff' } as const;

function corsHeaders(req: IncomingMessage, headers: Headers): Record<string, string> | 'denied' {
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : null;
  const same = origin !== null && originMatchesSite(origin, headers, trustedProxies());
  const decision = decideCors(req.method ?? 'GET', origin, same, corsOrigins);
  if (decision.kind === 'denied') return 'denied';
  return decision.kind === 'same-origin' ? {} : decision.headers;
}

export const handleRawStream: RawStreamHandler = (req, res) => {
  const headers = toHeaders(req);
  const cors = corsHeaders(req, headers);
  if (cors === 'denied') {
    return writeAnswer(
      res,
      errorAnswer(403, 'cors_denied', 'This origin may not call the API (see CORS_ORIGINS).', { Vary: 'Origin' }),
    );
  }
  for (const [key, value] of Object.entries({ ...BASE_HEADERS, ...cors })) res.setHeader(key, value);
  if (req.method === 'OPTIONS' && Object.keys(cors).length > 0)
    return writeAnswer(res, { status: 204, headers: {}, body: '' });
  if (req.method !== 'GET') return writeAnswer(res, methodNotAllowedAnswer('GET'));
  const runtime = getRuntime();
  // Only the query matters; the base is a placeholder so relative request targets parse.
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  // handleRawRequest has vetted X-Forwarded-For against the socket: it names the client.
  const ip = clientIpFromHeaders(headers, trustedProxies());
  void authorizeStream(runtime, params, { headers, ip }).then(
    (authorization) => {
      if (!authorization.ok) return writeAnswer(res, authorization.answer);
      // The client may have left while its session was verified: no slot for a closed socket.
      if (res.destroyed || req.socket.destroyed) return;
      // From here to openStream nothing awaits, so a burst cannot overshoot a cap (admission.ts).
      const admission = admitStream(runtime, authorization);
      if (!admission.ok) return writeAnswer(res, admission.answer);

      res.writeHead(200, SSE_HEADERS);
      // Headers out now, as the route handler does: a client knows it is connected before the preamble.
      res.flushHeaders();
      const header = req.headers['last-event-id'];
      openStream(
        runtime,
        {
          feeds: admission.feeds,
          cursor: requestCursor(typeof header === 'string' ? header : null, params),
          principal: admission.principal,
          client: { release: admission.release, takeSnapshot: admission.takeSnapshot },
          path: 'raw',
        },
        new NodeResponseSink(res),
      );
    },
    (error: unknown) => {
      // A bug must cost one request, not the process (raw-server.mjs cannot catch a rejection).
      logRepeated(log, 'error', 'admission failed', { err: error }, 'admission failed');
      if (!res.headersSent) writeAnswer(res, errorAnswer(500, 'internal_error', 'The server failed on this request.'));
      else res.destroy();
    },
  );
};

/** Node's header object as a web `Headers`, for the framework-free auth seam. */
function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(key, item);
  }
  return headers;
}

function writeAnswer(res: ServerResponse, answer: PlainAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** Called once per process from `bootServer`: makes the handler reachable from `raw-server.mjs`. */
export function publishRawStreamHandler(): void {
  (globalThis as Record<string, unknown>)[RAW_STREAM_HANDLER_KEY] = handleRawRequest;
}
