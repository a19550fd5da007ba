import 'server-only';
import type { EventBus } from './bus';
import type { SharedRevocations } from './shared-log';

interface ServingParts {
  bus: Pick<EventBus, 'healthy'>;
  revocationChannel?: Pick<SharedRevocations, 'synced'> | null;
}

/**
 * Whether this instance serves data to sessions now: its shared log is reachable and, with
 * Redis, it has read back the sign-outs made while it was not listening (revocation-channel.ts).
 * When not, streams are told to retry in-band, snapshots and renewals answer `503`, the page
 * renders without data, and `/api/health` says `degraded`.
 */
export function serving(runtime: ServingParts): boolean {
  return runtime.bus.healthy() && (runtime.revocationChannel?.synced() ?? true);
}

/**
 * What `/api/health` and `/api/health/ready` say of this instance: `ok` while it serves data,
 * `degraded` while it is up but does not (starting on Redis, or Redis unreachable), `draining`
 * from the moment it shuts down.
 */
export type HealthStatus = 'ok' | 'degraded' | 'draining';

export function healthStatus(runtime: ServingParts & { draining: boolean }): HealthStatus {
  if (runtime.draining) return 'draining';
  return serving(runtime) ? 'ok' : 'degraded';
}
