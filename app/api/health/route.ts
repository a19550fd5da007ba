import { json, methodNotAllowed } from '@/lib/server/http';
import { getAuth } from '@/lib/server/auth/auth-runtime';
import { getRuntime } from '@/lib/server/runtime';
import { healthStatus } from '@/lib/server/serving';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/health: liveness for load balancers and the tests; 503 only while draining. A
 * `degraded` instance still answers 200: restarting it would not bring Redis back, and every
 * instance is degraded together. Whether to send it traffic is `/api/health/ready`.
 */
export function GET(): Response {
  const rt = getRuntime();
  // `degraded`: up, but the shared log (Redis) is unreachable, or this instance has not yet read
  // back the shared sign-outs (serving.ts); streams are told to retry.
  const status = healthStatus(rt);
  return json(
    {
      status,
      epoch: rt.bus.epoch(),
      connections: rt.registry.size,
      bus: rt.bus.stats(),
      streams: {
        opened: rt.registry.opened,
        closed: rt.registry.closed,
        // Planned rotations (SSE_MAX_STREAM_MS): each is also a close (`closed.rotate`) and the next one an open.
        rotations: rt.registry.closed.rotate,
        max: rt.env.SSE_MAX_CONNECTIONS,
      },
      producer: {
        // `off`: PRODUCER=off, this instance never produces (an external producer or ingest does).
        mode: rt.source.mode,
        running: rt.source.running,
        ticks: rt.source.ticks,
        intervalMs: rt.env.METRICS_INTERVAL_MS,
        leader: rt.source.leader,
      },
      instance: rt.instanceId,
      // `off`: a public demo (AUTH_MODE=off), which the page says; `session`: sign-in required.
      authMode: getAuth().config.mode,
      uptimeMs: Date.now() - rt.startedAt,
    },
    { status: rt.draining ? 503 : 200 },
  );
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
