import 'server-only';
import type { EventBus } from './bus';
import type { SharedRevocations } from './shared-log';

interface ServingParts {
  bus: Pick<EventBus, 'healthy' | 'epoch'>;
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
 * `degraded` while it is up but does not (starting on Redis, or Redis unreachable, frozen or
 * refusing writes), `draining` from the moment it shuts down.
 */
export type HealthStatus = 'ok' | 'degraded' | 'draining';

/** `HealthStatus` of this instance now. */
export function healthStatus(runtime: ServingParts & { draining: boolean }): HealthStatus {
  if (runtime.draining) return 'draining';
  return serving(runtime) ? 'ok' : 'degraded';
}

/**
 * Whether a load balancer should send this instance traffic (`/api/health/ready`): it has come
 * up (its bus knows the log's epoch and, with Redis, it has read back the shared sign-outs once)
 * and is not draining. Having come up, it stays ready through a Redis outage: every instance is
 * degraded together then, and taking them all out of rotation would turn their in-band
 * "retry later" (which even a native EventSource obeys) into the balancer's 502s and 503s,
 * which a native EventSource treats as final.
 */
export function ready(runtime: ServingParts & { draining: boolean }): boolean {
  return !runtime.draining && runtime.bus.epoch() !== '' && (runtime.revocationChannel?.synced() ?? true);
}
