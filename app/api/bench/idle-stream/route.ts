import { SSE_HEADERS } from '@/lib/sse/wire';
import { jsonError } from '@/lib/server/http';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/bench/idle-stream: benchmark-only (`npm run bench`, with `ENABLE_FAULTS=1`; 404
 * otherwise). A do-nothing streaming route handler: one comment, then a stream that never ends,
 * with no bus, no timer and no bookkeeping. What it costs per open stream is the floor of any
 * Next route handler that streams, whatever the app does (docs/performance.md, "Memory").
 */
export function GET(): Response {
  if (!getRuntime().env.ENABLE_FAULTS) return jsonError(404, 'not_found', 'Not found.');
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(Buffer.from(': idle\n\n')),
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
