import 'server-only';
import type { EventBus } from './bus';
import type { SharedRevocations } from './shared-log';

/**
 * Whether this instance serves data to sessions now: its shared log is reachable and, with
 * Redis, it has read back the sign-outs made while it was not listening (revocation-channel.ts).
 * When not, streams are told to retry in-band, snapshots and renewals answer `503`, the page
 * renders without data, and `/api/health` says `degraded`.
 */
export function serving(runtime: {
  bus: Pick<EventBus, 'healthy'>;
  revocationChannel?: Pick<SharedRevocations, 'synced'> | null;
}): boolean {
  return runtime.bus.healthy() && (runtime.revocationChannel?.synced() ?? true);
}
