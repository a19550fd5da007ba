import 'server-only';
import type { ServerEnv } from '../env';
import { clientKey, normalizeIp } from './client-key';
import { ClientStreamCounter } from './client-stream-counter';
import { RateLimiter } from './rate-limiter';

/**
 * The per-client limits of this process, made from the validated env on first use and kept on
 * `globalThis` for the same reason as the runtime (runtime.ts): routes, instrumentation and the
 * raw stream path get separate module instances, and they must count the same streams.
 */
export interface ClientLimits {
  /** Open streams per client (`SSE_MAX_STREAMS_PER_CLIENT`). */
  streams: ClientStreamCounter;
  /** Snapshot building per client (`SNAPSHOT_RATE_BURST`, `SNAPSHOT_RATE_PER_S`). */
  snapshots: RateLimiter;
  /** `TRUSTED_PROXIES`, normalised. */
  trustedProxies: ReadonlySet<string>;
}

export function createClientLimits(
  env: Pick<
    ServerEnv,
    'SSE_MAX_STREAMS_PER_CLIENT' | 'SNAPSHOT_RATE_BURST' | 'SNAPSHOT_RATE_PER_S' | 'TRUSTED_PROXIES'
  >,
): ClientLimits {
  return {
    streams: new ClientStreamCounter(env.SSE_MAX_STREAMS_PER_CLIENT),
    snapshots: new RateLimiter({ capacity: env.SNAPSHOT_RATE_BURST, perSecond: env.SNAPSHOT_RATE_PER_S }),
    trustedProxies: new Set(env.TRUSTED_PROXIES.map(normalizeIp)),
  };
}

const GLOBAL_KEY = '__realtimeDashboardClientLimits';
type GlobalWithLimits = typeof globalThis & { [GLOBAL_KEY]?: ClientLimits };

export function getClientLimits(env: Parameters<typeof createClientLimits>[0]): ClientLimits {
  const g = globalThis as GlobalWithLimits;
  g[GLOBAL_KEY] ??= createClientLimits(env);
  return g[GLOBAL_KEY];
}

/**
 * Where a request came from, as each binding can see it.
 *
 * The raw path (node:http) knows the socket peer. A Next route handler does not: `next start`
 * writes the socket address into `X-Forwarded-For` only when the request has none, so the last
 * hop of that header is the socket peer when the client sent no header, or the address the
 * first proxy in front appended. `fromForwardedHeader` reads it that way. The consequence, said
 * in docs/auth.md: on the route handler a client that connects directly can choose its own
 * per-IP key by sending the header; in production put a proxy in front that appends the real
 * peer (deploy/nginx.conf does) — the per-user cap is not affected.
 */
export interface RequestAddress {
  peer: string | null;
  forwardedFor: string | null;
}

export function fromForwardedHeader(header: string | null): RequestAddress {
  const hops = (header ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const peer = hops.pop() ?? null;
  return { peer, forwardedFor: hops.length ? hops.join(', ') : null };
}

/** The key a client's limits are counted under (client-key.ts): `user:<id>` or `ip:<address>`. */
export function limitKey(limits: ClientLimits, userId: string | null, address: RequestAddress): string {
  return clientKey({ userId, ...address }, limits.trustedProxies);
}
