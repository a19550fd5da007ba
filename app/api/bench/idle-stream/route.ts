import { SSE_HEADERS } from '@/lib/sse/wire';
import { jsonError } from '@/lib/server/http';
import { getRuntime } from '@/lib/server/runtime';
import { FAULT_TOKEN_HEADER, hasFaultToken, processFaultToken } from '@/lib/server/security/fault-guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/bench/idle-stream: benchmark-only (`npm run bench`). A do-nothing streaming route
 * handler: one comment, then a stream that never ends, with no bus, no timer and no bookkeeping.
 * What it costs per open stream is the floor of any Next route handler that streams, whatever
 * the app does (docs/performance.md, "Memory").
 *
 * Locked like the fault route, because it holds a connection outside every cap: 404 unless
 * `ENABLE_FAULTS=1`, and 403 without this process's `X-Fault-Token` (fault-guard.ts).
 * deploy/nginx.conf never lets it through.
 */
export function GET(request: Request): Response {
  if (!getRuntime().env.ENABLE_FAULTS) return jsonError(404, 'not_found', 'Not found.');
  if (!hasFaultToken(request.headers, processFaultToken().token)) {
    return jsonError(403, 'fault_token', `Missing or wrong ${FAULT_TOKEN_HEADER}.`);
  }
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(Buffer.from(': idle\n\n')),
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
