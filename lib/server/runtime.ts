import 'server-only';
import { parseEnv, type ServerEnv } from './env';
import type { EventBus } from './bus';
import { MemoryBus } from './memory-bus';
import { ConnectionRegistry } from './connection-registry';
import { createProducer, type Producer } from './producer';

/**
 * The per-process singletons: config, bus, open streams and the producer.
 *
 * Kept on `globalThis`, not in module scope: Next gives `instrumentation.ts`, pages and route
 * handlers separate module instances, and dev HMR re-creates modules. A module-level singleton
 * would mean two buses (streams that never see events) or a producer per edit (double rate).
 */

export interface Runtime {
  env: ServerEnv;
  bus: EventBus;
  registry: ConnectionRegistry;
  producer: Producer;
  startedAt: number;
  /** Set on SIGTERM/SIGINT: new streams are refused, open ones have been ended. */
  draining: boolean;
}

const GLOBAL_KEY = '__realtimeDashboardRuntime';
type GlobalWithRuntime = typeof globalThis & { [GLOBAL_KEY]?: Runtime };

export function createRuntime(env: ServerEnv): Runtime {
  const bus = new MemoryBus({ capacity: env.SSE_REPLAY_CAPACITY, snapshotWindowMs: env.SNAPSHOT_WINDOW_MS });
  return {
    env,
    bus,
    registry: new ConnectionRegistry({ maxConnections: env.SSE_MAX_CONNECTIONS, heartbeatMs: env.SSE_HEARTBEAT_MS }),
    producer: createProducer({ bus, intervalMs: env.METRICS_INTERVAL_MS, seed: env.METRICS_SEED }),
    startedAt: Date.now(),
    draining: false,
  };
}

/**
 * The runtime of this process, created and started on first use (from `instrumentation.ts` at
 * boot, or from whichever route is hit first). Throws an EnvError if the environment is invalid.
 */
export function getRuntime(): Runtime {
  const g = globalThis as GlobalWithRuntime;
  let runtime = g[GLOBAL_KEY];
  if (!runtime) {
    runtime = createRuntime(parseEnv(process.env));
    g[GLOBAL_KEY] = runtime;
    runtime.producer.start();
  }
  return runtime;
}
