import 'server-only';
import { AuthConfigError } from './auth/auth-config';
import { getAuth } from './auth/auth-runtime';
import { EnvError } from './env';
import { publishRawStreamHandler } from './raw-stream-handler';
import { getRuntime } from './runtime';
import { FAULT_TOKEN_HEADER, processFaultToken } from './security/fault-guard';
import { installRequestGuard } from './security/request-guard';
import { installShutdownHandlers } from './shutdown';
import { logger } from './observability/logger';
import { startOtlpExport } from './observability/otlp-export';

const log = logger('realtime');
const authLog = logger('auth');

/**
 * Called once per server process from `instrumentation.ts`: validate config, start, handle
 * signals, answer requests Next cannot represent (request-guard.ts), and publish the raw stream
 * handler for `raw-server.mjs` (a no-op for `next start`).
 */
export function bootServer(): void {
  try {
    // Auth first: fail-closed means nothing starts (no producer, no Redis) without AUTH_SECRET.
    const auth = getAuth();
    const runtime = getRuntime();
    const otlp = startOtlpExport(runtime.env, runtime.instanceId);
    installShutdownHandlers(runtime, otlp ? [() => otlp.shutdown()] : []);
    installRequestGuard();
    publishRawStreamHandler();
    const { env } = runtime;
    log.info(
      {
        bus: runtime.bus.kind,
        epoch: runtime.bus.epoch(),
        producer: runtime.source.mode,
        intervalMs: env.METRICS_INTERVAL_MS,
        heartbeatMs: env.SSE_HEARTBEAT_MS,
        replay: env.SSE_REPLAY_CAPACITY,
        instance: runtime.instanceId,
      },
      'started',
    );
    if (auth.config.mode === 'off') {
      authLog.warn('AUTH_MODE=off: a PUBLIC DEMO. Every feed is readable by anyone who can reach this server.');
    } else if (auth.config.devSecret) {
      authLog.warn('npm run dev: using the public dev-only AUTH_SECRET; sessions protect nothing here.');
    }
    if (env.ENABLE_FAULTS) {
      // Loud on purpose: a fault route left on in production lets anyone with the token cut streams.
      const { token, generated } = processFaultToken();
      logger('faults').warn(
        `WARNING: ENABLE_FAULTS is on. Test-only fault routes answer POSTs with ` +
          `${FAULT_TOKEN_HEADER}: ${generated ? token : '(the FAULTS_TOKEN you set)'}. Never enable this in production.`,
      );
    }
  } catch (error) {
    if (error instanceof EnvError || error instanceof AuthConfigError) {
      // Plain text, not a log line: the configuration (LOG_LEVEL among it) is what is wrong, and
      // whoever starts the server must read every bad variable.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
