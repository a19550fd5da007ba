import { json, methodNotAllowed } from '@/lib/server/http';
import { getRuntime } from '@/lib/server/runtime';
import { healthStatus, ready } from '@/lib/server/serving';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/health/ready: readiness, for an orchestrator's or load balancer's "send traffic
 * here?" check. `200 {ready: true, status}` once this instance has come up; `503 {ready: false,
 * status}` while it starts on Redis (before it has connected and read back the shared
 * sign-outs) and while it drains. A page served by an instance that has not come up renders
 * without data (page-snapshot.ts). A Redis outage after that keeps it ready (serving.ts
 * `ready`): `status` says `degraded`, and its streams are told to retry in-band. Liveness
 * (restart it?) stays `/api/health`.
 */
export function GET(): Response {
  const rt = getRuntime();
  const isReady = ready(rt);
  return json({ ready: isReady, status: healthStatus(rt) }, { status: isReady ? 200 : 503 });
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
