import { json, methodNotAllowed } from '@/lib/server/http';
import { getRuntime } from '@/lib/server/runtime';
import { healthStatus } from '@/lib/server/serving';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/health/ready: readiness, for an orchestrator's or load balancer's "send traffic
 * here?" check. `200 {ready: true}` only while this instance serves data; `503` while it starts
 * on Redis (before it has connected and read back the shared sign-outs, a few tens of ms),
 * while Redis is unreachable, and while it drains. A page served by an instance that is not
 * ready renders without data (page-snapshot.ts), so a new instance should get no traffic
 * before this says yes. Liveness (restart it?) stays `/api/health`.
 */
export function GET(): Response {
  const status = healthStatus(getRuntime());
  const ready = status === 'ok';
  return json({ ready, status }, { status: ready ? 200 : 503 });
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
