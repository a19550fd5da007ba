import 'server-only';
import { randomBytes } from 'node:crypto';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import { EnvError, parseEnv, type ServerEnv } from './env';
import type { EventBus } from './bus';
import { MemoryBus } from './memory-bus';
import { ConnectionRegistry } from './connection-registry';
import { getAuth } from './auth/auth-runtime';
import { createSharedLog, type CreateSharedLog, type SharedRevocations } from './shared-log';
import { RateLimiter } from './limits/rate-limiter';
import { startSource, type RunningSource } from './source/start-source';

/**
 * The per-process singletons: config, bus, open streams and the metrics source.
 *
 * Kept on `globalThis`, not in module scope: Next gives `instrumentation.ts`, pages and route
 * handlers separate module instances, and dev HMR re-creates modules. A module-level singleton
 * would mean two buses (streams that never see events) or a source per edit (double rate).
 */

export interface Runtime {
  env: ServerEnv;
  bus: EventBus;
  registry: ConnectionRegistry;
  /** The metrics source of this process, as `source/start-source.ts` started it (or not). */
  source: RunningSource;
  /** `POST /api/ingest` requests per client (`INGEST_RATE_BURST`, `INGEST_RATE_PER_S`). */
  ingestLimiter: RateLimiter;
  /** Present with a shared log (Redis): sign-outs shared with the other instances. */
  revocationChannel: SharedRevocations | null;
  instanceId: string;
  startedAt: number;
  /**
   * The feed catalogue the source was started with. Under `npm run dev` an edit of
   * lib/metrics/feeds.ts reloads the page's modules but not this runtime (it lives on
   * `globalThis`): catalogue-check.ts compares the two so the page can say a restart is needed.
   */
  feedNames: readonly string[];
  /** Set on SIGTERM/SIGINT: new streams are refused, open ones have been ended. */
  draining: boolean;
}

const GLOBAL_KEY = '__realtimeDashboardRuntime';
type GlobalWithRuntime = typeof globalThis & { [GLOBAL_KEY]?: Runtime };

/** The embedded default: everything in this process. */
function createMemoryRuntime(env: ServerEnv, instanceId: string): Runtime {
  const bus = new MemoryBus({
    capacity: env.SSE_REPLAY_CAPACITY,
    snapshotWindowMs: env.SNAPSHOT_WINDOW_MS,
    keyTtlMs: env.INGEST_KEY_TTL_MS,
  });
  return {
    env,
    bus,
    source: startSource({ env, bus, instanceId }),
    ingestLimiter: ingestLimiterFor(env),
    revocationChannel: null,
    instanceId,
    registry: registryFor(env),
    startedAt: Date.now(),
    feedNames: FEED_NAMES,
    draining: false,
  };
}

/** Several instances on one shared log (Redis), and at most one source producing into it. */
function createSharedRuntime(env: ServerEnv, url: string, instanceId: string, create: CreateSharedLog): Runtime {
  const registry = registryFor(env);
  const log = create({
    env,
    url,
    instanceId,
    onInterrupt: () => registry.closeAll('error'),
    revocations: getAuth().revocations,
    onRevokedElsewhere: (sessionId) => registry.endSession(sessionId, { kind: 'auth', reason: 'revoked' }),
  });
  return {
    env,
    bus: log.bus,
    source: startSource({ env, bus: log.bus, instanceId, createLease: log.createLease }),
    ingestLimiter: ingestLimiterFor(env),
    revocationChannel: log.revocations,
    instanceId,
    registry,
    startedAt: Date.now(),
    feedNames: FEED_NAMES,
    draining: false,
  };
}

function ingestLimiterFor(env: ServerEnv): RateLimiter {
  return new RateLimiter({ capacity: env.INGEST_RATE_BURST, perSecond: env.INGEST_RATE_PER_S });
}

function registryFor(env: ServerEnv): ConnectionRegistry {
  return new ConnectionRegistry({ maxConnections: env.SSE_MAX_CONNECTIONS, heartbeatMs: env.SSE_HEARTBEAT_MS });
}

export function createRuntime(env: ServerEnv): Runtime {
  // A random default, not `<hostname>-<pid>`: /api/health shows it, and it should not tell the
  // world which machine and process answered.
  const instanceId = env.INSTANCE_ID ?? `i-${randomBytes(4).toString('hex')}`;
  if (!env.REDIS_URL) return createMemoryRuntime(env, instanceId);
  // Typed as the seam's possible values: a fork that deleted Redis sets it to null (shared-log.ts).
  const create: CreateSharedLog | null = createSharedLog;
  if (!create)
    throw new EnvError(['REDIS_URL is set, but this build has no shared log (lib/server/shared-log.ts): unset it']);
  return createSharedRuntime(env, env.REDIS_URL, instanceId, create);
}

/**
 * The runtime of this process, created and started on first use (from `instrumentation.ts` at
 * boot, or from whichever route is hit first). Throws an EnvError if the environment is invalid.
 */
export function getRuntime(): Runtime {
  const g = globalThis as GlobalWithRuntime;
  g[GLOBAL_KEY] ??= createRuntime(parseEnv(process.env));
  return g[GLOBAL_KEY];
}
