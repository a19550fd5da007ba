import 'server-only';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { defaultResource, emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { ServerEnv } from '../env';
import { logger, logRepeated } from './logger';
import { registryAsScopeMetrics } from './otlp-bridge';
import { getServerMetrics } from './server-metrics';

/**
 * OTLP push of the server's own metrics, on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`) is set: every `OTEL_METRIC_EXPORT_INTERVAL` the
 * OpenTelemetry SDK reads the prom-client registry through `otlp-bridge.ts` and its OTLP/HTTP
 * exporter posts the result. Nothing is counted twice and nothing changes on the hot path: the push
 * reads what a Prometheus scrape would read (one exception: prom-client's event-loop-lag gauges
 * restart their window at every read, so with both on they cover the time since the last read by
 * either). A collector that is down costs a few warnings (the SDK's own retry and timeout, then
 * the repeat gate), never a stream.
 */

const log = logger('otlp');
const SCOPE = 'nextjs-realtime-dashboard';

export interface OtlpExport {
  /** Pushes once more and stops (called on SIGTERM, so the last interval is not lost). */
  shutdown(): Promise<void>;
}

const GLOBAL_KEY = '__realtimeDashboardOtlp';
type GlobalWithOtlp = typeof globalThis & { [GLOBAL_KEY]?: OtlpExport | null };

/** Starts the push once per process (a second call returns the first one's), or null when off. */
export function startOtlpExport(env: ServerEnv, instanceId: string): OtlpExport | null {
  const g = globalThis as GlobalWithOtlp;
  if (g[GLOBAL_KEY] === undefined) g[GLOBAL_KEY] = createOtlpExport(env, instanceId);
  return g[GLOBAL_KEY];
}

function createOtlpExport(env: ServerEnv, instanceId: string): OtlpExport | null {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) return null;
  if (env.OTEL_SDK_DISABLED) return null;
  const protocol = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/json';
  if (protocol !== 'http/json') {
    // Said once and not attempted: pushing JSON to a gRPC or protobuf collector fails every time.
    log.warn({ protocol }, `OTLP protocol ${protocol} is not wired in (only http/json): not pushing metrics`);
    return null;
  }
  // The SDK reports failed pushes through its `diag` logger, silent unless one is set.
  diag.setLogger(
    {
      // Through the repeat gate: a collector down under a short interval is a handful of lines.
      error: (message, ...args) => logRepeated(log, 'warn', `otlp: ${message}`, { args }, message),
      warn: (message, ...args) => logRepeated(log, 'warn', `otlp: ${message}`, { args }, message),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.WARN,
  );
  const { registry } = getServerMetrics();
  const producer: MetricProducer = {
    async collect() {
      return {
        // The reader keeps the provider's resource and takes only the scope metrics from here.
        resourceMetrics: { resource: emptyResource(), scopeMetrics: [await registryAsScopeMetrics(registry, SCOPE)] },
        errors: [],
      };
    },
  };
  const reader = new PeriodicExportingMetricReader({
    // The exporter reads the endpoint, headers and timeout from the standard variables itself.
    exporter: new OTLPMetricExporter(),
    exportIntervalMillis: env.OTEL_METRIC_EXPORT_INTERVAL,
    exportTimeoutMillis: Math.min(30_000, env.OTEL_METRIC_EXPORT_INTERVAL),
    metricProducers: [producer],
  });
  const provider = new MeterProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': env.OTEL_SERVICE_NAME ?? SCOPE,
        'service.instance.id': instanceId,
      }),
    ),
    readers: [reader],
  });
  log.info(
    {
      endpoint: env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT,
      everyMs: env.OTEL_METRIC_EXPORT_INTERVAL,
    },
    'pushing metrics over OTLP',
  );
  return { shutdown: () => provider.shutdown() };
}
