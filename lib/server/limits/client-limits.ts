import 'server-only';
import type { ServerEnv } from '../env';
import type { ClientKeys } from './client-key';
import { ClientStreamCounter } from './client-stream-counter';
import { RateLimiter, type TakeResult } from './rate-limiter';

/**
 * The per-client limits of this process (who a client is: client-key.ts), made from the
 * validated env on first use and kept on `globalThis` for the same reason as the runtime
 * (runtime.ts): routes, instrumentation and the raw stream path get separate module instances,
 * and they must count the same streams.
 *
 * Each limit is checked for every key a request has (its session or address, its real user,
 * the address behind its session), all or nothing: a refusal by one key costs the others nothing.
 */
export interface ClientLimits {
  /** Opens a stream slot for every key; null (nothing taken) when one is at its cap. */
  acquireStream(keys: ClientKeys): (() => void) | null;
  /** Takes one snapshot build from every key's budget, or none when one is empty. */
  takeSnapshot(keys: ClientKeys): TakeResult;
}

export type LimitsEnv = Pick<
  ServerEnv,
  'SSE_MAX_STREAMS_PER_CLIENT' | 'SNAPSHOT_RATE_BURST' | 'SNAPSHOT_RATE_PER_S' | 'CLIENTS_PER_IP'
>;

export function createClientLimits(env: LimitsEnv, now: () => number = Date.now): ClientLimits {
  const perClient = {
    streams: new ClientStreamCounter(env.SSE_MAX_STREAMS_PER_CLIENT),
    snapshots: new RateLimiter({ capacity: env.SNAPSHOT_RATE_BURST, perSecond: env.SNAPSHOT_RATE_PER_S, now }),
  };
  // The sessions behind one address share CLIENTS_PER_IP clients' worth.
  const perAddress = {
    streams: new ClientStreamCounter(env.SSE_MAX_STREAMS_PER_CLIENT * env.CLIENTS_PER_IP),
    snapshots: new RateLimiter({
      capacity: env.SNAPSHOT_RATE_BURST * env.CLIENTS_PER_IP,
      perSecond: env.SNAPSHOT_RATE_PER_S * env.CLIENTS_PER_IP,
      now,
    }),
  };
  const checks = (keys: ClientKeys) =>
    [
      [perClient, keys.client],
      [perClient, keys.user],
      [perAddress, keys.ip],
    ].filter((check): check is [typeof perClient, string] => check[1] !== null);

  return {
    acquireStream(keys) {
      const releases: (() => void)[] = [];
      for (const [limits, key] of checks(keys)) {
        const release = limits.streams.acquire(key);
        if (!release) {
          releases.forEach((undo) => undo());
          return null;
        }
        releases.push(release);
      }
      return () => releases.forEach((release) => release());
    },
    takeSnapshot(keys) {
      const all = checks(keys);
      for (const [limits, key] of all) {
        const peeked = limits.snapshots.peek(key);
        if (!peeked.ok) return peeked;
      }
      for (const [limits, key] of all) limits.snapshots.take(key);
      return { ok: true };
    },
  };
}

const GLOBAL_KEY = '__realtimeDashboardClientLimits';
type GlobalWithLimits = typeof globalThis & { [GLOBAL_KEY]?: ClientLimits };

export function getClientLimits(env: LimitsEnv): ClientLimits {
  const g = globalThis as GlobalWithLimits;
  g[GLOBAL_KEY] ??= createClientLimits(env);
  return g[GLOBAL_KEY];
}
