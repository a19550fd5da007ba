import 'server-only';
import { EnvError } from './env';
import { publishRawStreamHandler } from './raw-stream-handler';
import { getRuntime } from './runtime';
import { installShutdownHandlers } from './shutdown';

/**
 * Called once per server process from `instrumentation.ts`: validate config, start, handle
 * signals, and publish the raw stream handler for `raw-server.mjs` (a no-op for `next start`).
 */
export function bootServer(): void {
  try {
    const runtime = getRuntime();
    installShutdownHandlers(runtime);
    publishRawStreamHandler();
    const { env } = runtime;
    console.log(
      `[realtime] bus=${runtime.bus.kind} epoch=${runtime.bus.epoch()} interval=${env.METRICS_INTERVAL_MS}ms heartbeat=${env.SSE_HEARTBEAT_MS}ms replay=${env.SSE_REPLAY_CAPACITY}`,
    );
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
