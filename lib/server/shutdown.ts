import 'server-only';
import { logger } from './observability/logger';
import type { Runtime } from './runtime';

const log = logger('shutdown');

/**
 * Graceful shutdown for `next start`, which otherwise never exits on SIGTERM while an SSE
 * response is open (it waits for every response to finish, and a stream never does).
 *
 * On SIGTERM/SIGINT: mark the runtime draining (the stream route then refuses new streams with
 * `Connection: close`, so browsers do not reconnect on a kept-alive socket to this process),
 * stop the source, end every open stream cleanly (clients resume elsewhere by cursor), and
 * exit after `SHUTDOWN_GRACE_MS` if Next has not exited by then. Next's own handler waits for
 * every socket to close, and a client's idle keep-alive socket can hold it for 5 s.
 */

const INSTALLED = '__realtimeDashboardShutdownInstalled';
type GlobalWithFlag = typeof globalThis & { [INSTALLED]?: boolean };

export function drain(runtime: Runtime): void {
  if (runtime.draining) return;
  runtime.draining = true;
  runtime.registry.closeAll('shutdown');
  // Stop the source and give the producer lease up now, so another process takes over without
  // waiting for expiry; then release the bus (its Redis connections and timers).
  void runtime.revocationChannel?.stop();
  void runtime.source.stop().finally(() => runtime.bus.close());
}

/** `alsoOnSignal`: more to finish on the signal (the last OTLP push), run beside the drain. Default none. */
export function installShutdownHandlers(runtime: Runtime, alsoOnSignal: (() => Promise<void>)[] = []): void {
  const g = globalThis as GlobalWithFlag;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal, streams: runtime.registry.size }, `${signal}: closing ${runtime.registry.size} stream(s)`);
    drain(runtime);
    for (const finish of alsoOnSignal) void finish().catch(() => {});
    // Next's own handler closes the HTTP server; this timer only guarantees the exit.
    setTimeout(() => process.exit(0), runtime.env.SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
