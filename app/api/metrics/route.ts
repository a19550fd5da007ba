import { toResponse } from '@/lib/server/http';
import { handleMetrics } from '@/lib/server/observability/metrics-handler';
import { getServerMetrics } from '@/lib/server/observability/server-metrics';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/metrics with `Authorization: Bearer <METRICS_TOKEN>`: Prometheus text of the
 * server's own metrics (docs/operations.md). 404 to everything while METRICS_TOKEN is unset.
 */
async function handle(request: Request): Promise<Response> {
  return toResponse(await handleMetrics(request, getRuntime().env.METRICS_TOKEN, getServerMetrics()));
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
