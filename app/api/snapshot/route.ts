import type { FeedName } from '@/lib/metrics/feeds';
import { authorizeFeeds, retryAfterSeconds } from '@/lib/server/admission';
import { jsonError, json, methodNotAllowed, toResponse } from '@/lib/server/http';
import { clientKeys } from '@/lib/server/limits/client-key';
import { getClientLimits } from '@/lib/server/limits/client-limits';
import { clientIpFromHeaders, trustedProxies } from '@/lib/server/security/forwarded';
import { parseFeedsQuery } from '@/lib/server/query';
import { getRuntime } from '@/lib/server/runtime';
import { serving } from '@/lib/server/serving';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/snapshot[?feeds=a,b]: the recent window of each feed and the cursor it is
 * consistent with. Open the stream with `?lastEventId=<cursor>` to continue without a gap.
 *
 * Checked in the stream's order (admission.ts): bad input 400, no session 401, a forbidden feed
 * 403 (without `?feeds`: every feed the principal may read), then this client's snapshot budget
 * (`SNAPSHOT_RATE_BURST`, `SNAPSHOT_RATE_PER_S`) 429 `rate_limited` with `Retry-After`, because
 * building a snapshot walks the whole window.
 */
export async function GET(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const query = parseFeedsQuery(params);
  if (!query.ok) return jsonError(400, query.code, query.message);
  const rt = getRuntime();
  const { bus, env, feedNames } = rt;
  const scoped = await authorizeFeeds(
    request.headers,
    params.has('feeds') ? query.feeds : null,
    feedNames as readonly FeedName[],
  );
  if (!scoped.ok) return toResponse(scoped.answer);

  const keys = clientKeys(scoped.principal, clientIpFromHeaders(request.headers, trustedProxies()));
  const budget = getClientLimits(env).takeSnapshot(keys);
  if (!budget.ok) {
    return jsonError(429, 'rate_limited', 'Too many snapshots for this client; retry later.', {
      'Retry-After': String(Math.max(1, Math.ceil(budget.retryAfterMs / 1000))),
    });
  }

  const unavailable = () =>
    jsonError(503, 'bus_unavailable', 'The event bus is unavailable; retry shortly.', {
      'Retry-After': String(retryAfterSeconds(env)),
    });
  if (!serving(rt)) return unavailable();
  try {
    return json(await bus.snapshot(scoped.feeds));
  } catch {
    // Redis failed or timed out mid-request (it is reported by /api/health): a 503, not a 500.
    return unavailable();
  }
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
