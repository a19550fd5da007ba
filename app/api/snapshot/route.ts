import { retryAfterSeconds } from '@/lib/server/admission';
import { jsonError, json, methodNotAllowed } from '@/lib/server/http';
import { parseFeedsQuery } from '@/lib/server/query';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/snapshot[?feeds=a,b]: the recent window of each feed and the cursor it is
 * consistent with. Open the stream with `?lastEventId=<cursor>` to continue without a gap.
 */
export async function GET(request: Request): Promise<Response> {
  const query = parseFeedsQuery(new URL(request.url).searchParams);
  if (!query.ok) return jsonError(400, query.code, query.message);
  const { bus, env } = getRuntime();
  const unavailable = () =>
    jsonError(503, 'bus_unavailable', 'The event bus is unavailable; retry shortly.', {
      'Retry-After': String(retryAfterSeconds(env)),
    });
  if (!bus.healthy()) return unavailable();
  try {
    return json(await bus.snapshot(query.feeds));
  } catch {
    // Redis failed or timed out mid-request (it is reported by /api/health): a 503, not a 500.
    return unavailable();
  }
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
